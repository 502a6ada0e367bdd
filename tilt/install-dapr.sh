#!/usr/bin/env bash
# The Dapr control plane, pinned, in dapr-system (idempotent; Tilt's `dapr` resource runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
helm upgrade --install dapr dapr --repo https://dapr.github.io/helm-charts --version 1.18.2 \
  --namespace dapr-system --create-namespace -f k8s/dapr/dapr-values.yaml --wait --timeout 10m
kubectl wait --for condition=established --timeout=120s \
  crd/components.dapr.io crd/subscriptions.dapr.io crd/configurations.dapr.io crd/resiliencies.dapr.io
