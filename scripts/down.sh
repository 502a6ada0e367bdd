#!/usr/bin/env bash
# Stops the services, sidecars and gateway; `--all` also stops PostgreSQL and Redis.
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
ensure_node
cd "$MP_ROOT"
node scripts/stack/index.ts down
if [ "${1:-}" = "--all" ]; then stop_infra; fi
