#!/usr/bin/env bash
# Runs every test, bringing up what they need: type check, lint, generated files up to date,
# unit and service tests against PostgreSQL, then end-to-end tests on the whole system (16
# services on real daprd sidecars, Redis, the gateway).
#   scripts/test.sh [all|static|unit|service|k8s|e2e]  (default: all)
#   MP_PROFILE=rabbitmq scripts/test.sh e2e             (the Dapr component profile: redis, rabbitmq, aws)
#   scripts/test.sh profiles                            (the e2e suite on each of the three profiles)
#   MP_REUSE_STACK=1 scripts/test.sh e2e                (test the running system as it is)
#   scripts/test.sh chaos                               (the fault campaign, a few minutes; not in `all`)
#   scripts/test.sh fuzz                                (Schemathesis on the public API as each role; not in `all`)
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
scope="${1:-all}"
if [[ "$scope" == profiles ]]; then
  for profile in redis rabbitmq aws; do
    MP_PROFILE="$profile" "$0" e2e || die "the e2e suite failed on the $profile profile"
  done
  log "e2e green on the redis, rabbitmq and aws profiles"
  exit 0
fi
ensure_runtime
start_infra
cd "$MP_ROOT"
if [[ "$scope" == fuzz ]]; then
  # Schemathesis (PyPI) on the merged public document, through the gateway, once per role.
  ensure_fuzzer
  node scripts/stack/index.ts status >/dev/null 2>&1 || {
    trap 'node scripts/stack/index.ts down >/dev/null' EXIT
    node scripts/stack/index.ts up --detach
  }
  base="http://localhost:${MP_GATEWAY_PORT:-$((8080 + MP_STACK))}"
  mkdir -p "$MP_RUN/artifacts/fuzz"
  failed=0
  while read -r role token; do
    log "fuzzing the public API as $role (${FUZZ_SECONDS:-90} s)"
    rm -rf "$MP_RUN/artifacts/fuzz/$role"
    # The stateful phase chains calls by the links Schemathesis infers; it gets what the budget leaves.
    "$FUZZ_VENV/bin/st" run "$base/api/openapi.json" --url "$base" \
      -H "Authorization: Bearer $token" --checks not_a_server_error,response_schema_conformance \
      --phases examples,coverage,fuzzing,stateful --max-time "${FUZZ_SECONDS:-90}" --workers 4 \
      --request-timeout 30 --suppress-health-check all --warnings off \
      --report junit --report-dir "$MP_RUN/artifacts/fuzz/$role" && continue
    # The fuzzer crashing on an operation (a Schemathesis/Hypothesis bug, an "error" in its report)
    # says nothing about the API: reported, not failed. A failure (5xx, schema) fails the run.
    report=$(ls "$MP_RUN/artifacts/fuzz/$role"/junit-*.xml 2>/dev/null | head -1)
    if [[ -n "$report" ]] && grep -q '<testsuites errors="[1-9][0-9]*" failures="0"' "$report"; then
      log "as $role the fuzzer itself crashed on some operations ($report); no failures"
    else
      failed=1
    fi
  done < <(node tests/fuzz/tokens.ts)
  [[ $failed == 0 ]] || die "the fuzzer found failures (reports in $MP_RUN/artifacts/fuzz)"
  log "fuzzing passed"
  exit 0
fi
if [[ "$scope" == chaos ]]; then
  # Orders must pay and ship by themselves: a fresh stack with the sandboxes' headless switches
  # (MP_REUSE_STACK=1: the running one, started so).
  if [[ "${MP_REUSE_STACK:-0}" != 1 ]]; then
    node scripts/stack/index.ts down >/dev/null
    trap 'node scripts/stack/index.ts down >/dev/null' EXIT
    PG_SANDBOX_AUTO_APPROVE=true CARRIER_SANDBOX_AUTO_ADVANCE=true node scripts/stack/index.ts up --detach
  fi
  log "fault campaign (component profile $MP_PROFILE)"; node tests/chaos/campaign.ts
  log "fault campaign passed"
  exit 0
fi
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
if [[ "$scope" == all || "$scope" == k8s ]]; then
  # Offline: helm lint/template and strict kubeconform (scripts/k8s/check.sh), the chart against
  # the catalog and the route table (tests/k8s), the Tiltfile (tilt/check), the image's layout.
  scripts/k8s/check.sh
  log "chart tests"; pnpm exec vitest run --project k8s
  ensure_tiltcheck
  log "Tiltfile"; tiltcheck Tiltfile
  log "image"; scripts/image/check.sh user
fi
if [[ "$scope" == all || "$scope" == e2e ]]; then
  ensure_browser
  was_running=0
  node scripts/stack/index.ts status >/dev/null 2>&1 && was_running=1
  # What this run starts, it stops, even when the start itself fails.
  [[ $was_running == 0 ]] && trap 'node scripts/stack/index.ts down >/dev/null' EXIT
  running_profile="$(cat "$MP_RUN/profile" 2>/dev/null || echo redis)"
  if [[ "${MP_REUSE_STACK:-0}" != 1 || $was_running == 0 || "$running_profile" != "$MP_PROFILE" ]]; then
    # A fresh start: this checkout's code on empty databases. A stack's databases outlive its runs,
    # and what earlier runs left in them (their buyers, whom a grant to everyone then pays for; an
    # outbox left unsent when they stopped) changed what the next run waited for.
    node scripts/stack/index.ts down >/dev/null
    log "emptying the stack's databases"; drop_databases; create_databases
    [[ $MP_PROFILE == aws ]] && { log "emptying the AWS emulator"; reset_aws_emulator; }
    node scripts/stack/index.ts up --detach
  fi
  log "end-to-end tests (component profile $MP_PROFILE)"; pnpm exec vitest run --project e2e
fi
log "all tests passed ($scope)"
