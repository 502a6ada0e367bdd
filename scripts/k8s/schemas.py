"""Builds the JSON schemas that kubeconform validates the chart's manifests against, offline:

- Kubernetes: the strict (no unknown fields) schema set that the `kubernetes-validate` wheel from
  PyPI ships per Kubernetes version; its references point at https://kubernetes.io/api/…, so they
  are rewritten to the sibling `_definitions.json` file.
- Custom resources: from CustomResourceDefinitions (Dapr's own Helm chart in the pinned daprd
  source; the pinned Prometheus Operator's PodMonitor and ServiceMonitor), each version's
  openAPIV3Schema made strict the same way (objects with listed properties accept no others,
  unless the CRD says x-kubernetes-preserve-unknown-fields).

    python schemas.py <kubernetes-validate wheel> <k8s version> <out folder> <crds folder>...
Writes <out>/kubernetes and <out>/crds, files named as kubeconform's
`{{.ResourceKind}}{{.KindSuffix}}.json` (deployment-apps-v1.json, component-dapr-v1alpha1.json,
podmonitor-monitoring-v1.json).
"""

import json
import pathlib
import sys
import zipfile

import yaml

# A bare `=` (an enum value in the Prometheus Operator's CRDs) is YAML 1.1's "value" tag: a string here.
yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))

wheel, version, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
crd_folders = [pathlib.Path(a) for a in sys.argv[4:]]

k8s = out / "kubernetes"
k8s.mkdir(parents=True, exist_ok=True)
prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
    if not names:
        sys.exit(f"{wheel} has no schemas for Kubernetes {version}")
    for name in names:
        text = z.read(name).decode().replace('"/api/_definitions.json#', '"_definitions.json#')
        schema = json.loads(text)
        schema.pop("$id", None)
        (k8s / name[len(prefix):]).write_text(json.dumps(schema))


def strict(node):
    if isinstance(node, dict):
        if (
            node.get("type") == "object"
            and "properties" in node
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)
    return node


crds = out / "crds"
crds.mkdir(parents=True, exist_ok=True)
count = 0
for file in sorted(f for folder in crd_folders for f in folder.glob("*.yaml")):
    for crd in yaml.safe_load_all(file.read_text()):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for v in crd["spec"]["versions"]:
            schema = strict(v["schema"]["openAPIV3Schema"])
            props = schema.setdefault("properties", {})
            props["apiVersion"] = {"type": "string", "enum": [f"{group}/{v['name']}"]}
            props["kind"] = {"type": "string", "enum": [kind]}
            schema["additionalProperties"] = False
            schema["$schema"] = "http://json-schema.org/draft-07/schema#"
            name = f"{kind.lower()}-{group.split('.')[0]}-{v['name']}.json"
            (crds / name).write_text(json.dumps(schema, indent=1))
            count += 1
if not crd_folders or any(not any(f.glob("*.yaml")) for f in crd_folders):
    sys.exit(f"no CustomResourceDefinitions in one of {crd_folders}")
print(f"[mp] schemas: {len(names)} Kubernetes {version}, {count} custom resources", file=sys.stderr)
