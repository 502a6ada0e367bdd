#!/usr/bin/env bash
# Brings the whole system up: set-up, PostgreSQL, Redis, 16 services with their daprd sidecars and
# the gateway on http://localhost:8080. Ctrl-C stops it; --detach leaves it running (scripts/down.sh).
#   scripts/up.sh [--detach] [--profile redis|rabbitmq|aws]     (or MP_PROFILE=rabbitmq scripts/up.sh)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --profile) export MP_PROFILE="${args[i + 1]:-}" ;;
    --profile=*) export MP_PROFILE="${args[i]#--profile=}" ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
ensure_runtime
start_infra
cd "$MP_ROOT"
exec node scripts/stack/index.ts up "$@"
