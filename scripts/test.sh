#!/usr/bin/env bash
# Runs every test, bringing up what they need: type check, lint, generated files up to date,
# unit and service tests against PostgreSQL, then end-to-end tests on the whole system (16
# services on real daprd sidecars, Redis, the gateway).
#   scripts/test.sh [all|static|unit|service|e2e]      (default: all)
#   MP_PROFILE=redis scripts/test.sh e2e                (the Dapr component profile of the run)
#   MP_REUSE_STACK=1 scripts/test.sh e2e                (test the running system as it is)
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
scope="${1:-all}"
ensure_runtime
start_infra
cd "$MP_ROOT"
export TEST_DATABASE_URL="$MP_DATABASE_BASE_URL/marketplace_test"

if [[ "$scope" == all || "$scope" == static ]]; then
  log "type check"; pnpm exec tsc -p .
  log "lint"; pnpm exec biome check --diagnostic-level=error .
  log "generated files are up to date"; node scripts/gen/index.ts --check
fi
if [[ "$scope" == all || "$scope" == unit || "$scope" == service ]]; then
  projects=(--project unit --project service)
  [[ "$scope" == unit ]] && projects=(--project unit)
  [[ "$scope" == service ]] && projects=(--project service)
  log "unit and service tests"; pnpm exec vitest run "${projects[@]}"
fi
if [[ "$scope" == all || "$scope" == e2e ]]; then
  was_running=0
  node scripts/stack/index.ts status >/dev/null 2>&1 && was_running=1
  # What this run starts, it stops, even when the start itself fails.
  [[ $was_running == 0 ]] && trap 'node scripts/stack/index.ts down >/dev/null' EXIT
  if [[ "${MP_REUSE_STACK:-0}" != 1 || $was_running == 0 ]]; then
    # A fresh start, so the system under test is this checkout's code.
    node scripts/stack/index.ts down >/dev/null
    node scripts/stack/index.ts up --detach
  fi
  log "end-to-end tests"; pnpm exec vitest run --project e2e
fi
log "all tests passed ($scope)"
