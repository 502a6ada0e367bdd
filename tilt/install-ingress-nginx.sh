#!/usr/bin/env bash
# ingress-nginx, pinned, in ingress-nginx (idempotent; Tilt's `ingress-nginx` resource runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx \
  --version 4.13.3 --namespace ingress-nginx --create-namespace \
  -f k8s/ingress/ingress-nginx-values.yaml --wait --timeout 10m
