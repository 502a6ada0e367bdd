"""Creates, idempotently, what the local profiles' components expect in the AWS emulator: a
DynamoDB table per state.aws.dynamodb component (partition key and TTL attribute as the component
says) and a bucket per bindings.aws.s3 component. SNS topics and SQS queues are made by Dapr itself.

    python aws_resources.py <endpoint> <components folder>...
"""

import pathlib
import sys

import boto3
import yaml

endpoint, folders = sys.argv[1], [pathlib.Path(f) for f in sys.argv[2:]]
kw = dict(endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test")


def meta(doc):
    return {m["name"]: m.get("value") for m in doc["spec"].get("metadata", [])}


tables, buckets = {}, set()
for file in sorted(f for folder in folders for f in folder.glob("*.yaml")):
    for doc in yaml.safe_load_all(file.read_text()):
        if not doc or doc.get("kind") != "Component":
            continue
        m = meta(doc)
        if doc["spec"]["type"] == "state.aws.dynamodb":
            tables[m["table"]] = (m.get("partitionKey") or "key", m.get("ttlAttributeName"), m["region"])
        elif doc["spec"]["type"] == "bindings.aws.s3":
            buckets.add((m["bucket"], m["region"]))

for table, (key, ttl, region) in sorted(tables.items()):
    ddb = boto3.client("dynamodb", region_name=region, **kw)
    if table not in ddb.list_tables()["TableNames"]:
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.get_waiter("table_exists").wait(TableName=table)
        if ttl:
            ddb.update_time_to_live(
                TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )
        print(f"[mp] created DynamoDB table {table}", file=sys.stderr)

for bucket, region in sorted(buckets):
    s3 = boto3.client("s3", region_name=region, **kw)
    if bucket not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        print(f"[mp] created S3 bucket {bucket}", file=sys.stderr)
