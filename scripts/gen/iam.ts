/**
 * Per-service IAM on EKS (IRSA): one role per service, each allowed only what its sidecar and its
 * code touch, derived from the single sources: the event catalog (the SNS topics it publishes to
 * and subscribes to, its own SQS queue), the state stores' scopes (components/aws: its DynamoDB
 * tables), and the EKS values (its S3 bucket, SES and SNS SMS for the services that send them, the
 * account, region and cluster). Its secrets are those under `marketplace/<service>/` in Secrets
 * Manager. Written to k8s/eks/iam/<service>.policy.json and <service>.trust.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deadLetterTopic,
  publicationsOf,
  type ServiceName,
  serviceNames,
  subscriptionsOf,
} from '@mp/contracts';
import { parse } from 'yaml';
import { chartStateStoreList } from './chart.ts';

const root = join(import.meta.dirname, '..', '..');

interface EksValues {
  iam: { accountId: string; rolePrefix: string; oidcProvider: string; namespace: string };
  region: string;
  tablePrefix: string;
  buckets: Partial<Record<ServiceName, string>>;
  email: string[];
  sms: string[];
}

/** What the EKS values (over the chart's defaults) say about AWS. */
export function eksValues(): EksValues {
  const read = (f: string) => parse(readFileSync(join(root, 'charts/marketplace', f), 'utf8'));
  const base = read('values.yaml');
  const eks = read('values-eks.yaml');
  const buckets: Partial<Record<ServiceName, string>> = {};
  for (const name of eks.s3?.services ?? base.s3.services) {
    const bucket = eks.services?.[name]?.env?.S3_BUCKET;
    if (bucket) buckets[name as ServiceName] = bucket;
  }
  return {
    iam: eks.iam,
    region: eks.dapr?.aws?.region ?? base.dapr.aws.region,
    tablePrefix: eks.dapr?.aws?.tablePrefix ?? base.dapr.aws.tablePrefix ?? '',
    buckets,
    email: eks.dapr?.email?.scopes ?? base.dapr.email.scopes,
    sms: eks.sns?.services ?? base.sns.services,
  };
}

/** SNS topic and SQS queue names: the snssqs component strips what AWS does not allow (dots). */
const awsName = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '');

export const roleName = (v: EksValues, service: ServiceName) => `${v.iam.rolePrefix}${service}`;
export const roleArn = (v: EksValues, service: ServiceName) =>
  `arn:aws:iam::${v.iam.accountId}:role/${roleName(v, service)}`;

/** The IAM policy of one service's role. */
export function servicePolicy(service: ServiceName, v: EksValues = eksValues()) {
  const arn = (svc: string, resource: string) => `arn:aws:${svc}:${v.region}:${v.iam.accountId}:${resource}`;
  const publishes = publicationsOf(service);
  const subscribes = subscriptionsOf(service);
  // A subscriber's sidecar publishes what it gives up on to the dead-letter topic.
  const publishTo = [...new Set([...publishes, ...(subscribes.length ? [deadLetterTopic] : [])])];
  const subscribeTo = service === 'admin' ? [...subscribes, deadLetterTopic] : subscribes;
  const topic = (t: string) => arn('sns', awsName(t));
  const statements: Record<string, unknown>[] = [];
  if (publishTo.length)
    statements.push({
      Sid: 'PublishOwnTopics',
      Effect: 'Allow',
      Action: ['sns:CreateTopic', 'sns:GetTopicAttributes', 'sns:Publish', 'sns:TagResource'],
      Resource: publishTo.map(topic).sort(),
    });
  if (subscribeTo.length) {
    statements.push({
      Sid: 'SubscribeOwnQueue',
      Effect: 'Allow',
      Action: [
        'sns:CreateTopic',
        'sns:GetTopicAttributes',
        'sns:ListSubscriptionsByTopic',
        'sns:Subscribe',
        'sns:TagResource',
        'sns:Unsubscribe',
      ],
      Resource: subscribeTo.flatMap((t) => [topic(t), `${topic(t)}:*`]).sort(),
    });
    statements.push({
      Sid: 'ReceiveOwnQueue',
      Effect: 'Allow',
      Action: [
        'sqs:ChangeMessageVisibility',
        'sqs:CreateQueue',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
      ],
      // The queue is the app's consumer group: its app id.
      Resource: [arn('sqs', awsName(service))],
    });
  }
  const tables = chartStateStoreList()
    .filter((s) => s.scopes.includes(service))
    .map((s) => arn('dynamodb', `table/${v.tablePrefix}${s.table}`))
    .sort();
  if (tables.length)
    statements.push({
      Sid: 'OwnStateTables',
      Effect: 'Allow',
      Action: [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      Resource: tables,
    });
  const bucket = v.buckets[service];
  if (bucket)
    statements.push({
      Sid: 'OwnBucket',
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    });
  if (v.email.includes(service))
    statements.push({
      Sid: 'SendEmail',
      Effect: 'Allow',
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Resource: [arn('ses', 'identity/*')],
    });
  if (v.sms.includes(service))
    // SMS to a phone number has no topic: SNS authorizes Publish on "*" only; nothing else is granted on it.
    statements.push({ Sid: 'SendSms', Effect: 'Allow', Action: ['sns:Publish'], Resource: ['*'] });
  statements.push({
    Sid: 'OwnSecrets',
    Effect: 'Allow',
    Action: ['secretsmanager:GetSecretValue'],
    Resource: [arn('secretsmanager', `secret:marketplace/${service}/*`)],
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** Only this service's ServiceAccount may assume its role. */
export function serviceTrust(service: ServiceName, v: EksValues = eksValues()) {
  const p = v.iam.oidcProvider;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${v.iam.accountId}:oidc-provider/${p}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${p}:sub`]: `system:serviceaccount:${v.iam.namespace}:marketplace-${service}`,
            [`${p}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** path → content, one policy and one trust policy per service. */
export function iamFiles(): Record<string, () => string> {
  const out: Record<string, () => string> = {};
  for (const service of serviceNames) {
    out[`k8s/eks/iam/${service}.policy.json`] = () => json(servicePolicy(service));
    out[`k8s/eks/iam/${service}.trust.json`] = () => json(serviceTrust(service));
  }
  return out;
}
