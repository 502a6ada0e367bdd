#!/usr/bin/env bash
# Brings the whole system up: set-up, PostgreSQL, Redis, 16 services with their daprd sidecars and
# the gateway on http://localhost:8080. Ctrl-C stops it; --detach leaves it running (scripts/down.sh).
#   scripts/up.sh [--detach] [--profile redis]
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
ensure_runtime
start_infra
cd "$MP_ROOT"
exec node scripts/stack/index.ts up "$@"
