# Sourced by every script: pinned versions, cache locations and PATH.
# Everything the project installs lives under $MP_CACHE (survives between runs, never committed)
# or under .run/ in the checkout (runtime state: databases, logs, pids).
# Scripts run strict; a person's shell that sources this (README: `source scripts/lib/env.sh`) is
# left as it was, or its next failing command would close the terminal.
[[ $- == *i* ]] || set -euo pipefail

MP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MP_CACHE="${MP_CACHE:-$HOME/.cache/marketplace}"
# MP_STACK=N (0–8) runs an extra stack beside the default one: ports shift (scripts/stack/ports.ts),
# runtime state lives in .run/stack-N and databases get the suffix _sN.
export MP_STACK="${MP_STACK:-0}"
# Runtime state of this checkout's stack. MP_RUN set by hand wins; one derived here (remembered in
# MP_RUN_DERIVED) is derived again, so a shell that sourced this for another stack or another
# checkout does not point this one's commands at that state (scripts/stack/ports.ts runDirOf does the same).
if [ -z "${MP_RUN:-}" ] || [ "$MP_RUN" = "${MP_RUN_DERIVED:-}" ]; then
  if [ "$MP_STACK" = 0 ]; then MP_RUN="$MP_ROOT/.run"; else MP_RUN="$MP_ROOT/.run/stack-$MP_STACK"; fi
  MP_RUN_DERIVED="$MP_RUN"
fi
export MP_RUN MP_RUN_DERIVED

NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
DAPR_VERSION=1.18.2
DAPR_CLI_VERSION=1.18.0
HELM_VERSION=3.19.0
KUBECONFORM_VERSION=0.7.0
# The Kubernetes version the chart's manifests are validated against, and the PyPI package whose
# wheel carries that version's JSON schemas.
KUBE_SCHEMA_VERSION=1.33.0
KUBERNETES_VALIDATE_VERSION=1.37.0
# The local trace viewer: Zipkin's server (one executable jar from Maven Central, checked by its
# SHA-256), run with the machine's Java 17 or newer.
ZIPKIN_VERSION=3.6.1
ZIPKIN_SHA256=d8326e0ed4f43855dba81228f688554706e52578a7c782d9a90b73f8680654a1
# The Prometheus Operator whose CRDs (PodMonitor, ServiceMonitor) the chart's monitoring objects are
# validated against (its Go module's example/prometheus-operator-crd).
PROMETHEUS_OPERATOR_VERSION=0.85.0
# Python tools from PyPI, in a venv under the cache: an AWS emulator (S3, SNS/SQS, DynamoDB) and an SMTP sink.
PY_TOOLS=("moto[server]==5.2.5" "aiosmtpd==1.4.6")
PY_VENV="$MP_CACHE/py-tools"
# The API fuzzer (scripts/test.sh fuzz), in a venv of its own.
FUZZ_TOOL="schemathesis==4.32.5"
FUZZ_VENV="$MP_CACHE/fuzzer"

NODE_HOME="$MP_CACHE/node-$NODE_VERSION/node_modules/node"
PNPM_HOME_DIR="$MP_CACHE/pnpm-$PNPM_VERSION"
MP_BIN="$MP_CACHE/bin"
export PATH="$NODE_HOME/bin:$PNPM_HOME_DIR/node_modules/.bin:$MP_BIN:$HOME/.dapr/bin:$PATH"

log() { printf '\033[1;34m[mp]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[mp] %s\033[0m\n' "$*" >&2; exit 1; }
