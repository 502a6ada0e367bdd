#!/usr/bin/env bash
# Proves what the Dockerfile does, without a container engine: lays out a service exactly as the
# image's build stage does (scripts/image/prepare.sh on a clean copy of the checkout), checks that
# only production dependencies came along, then starts it from that folder alone, waits for
# /healthz, reads its metrics on their own port, and stops it with SIGTERM, which it must survive
# with exit code 0.
#   scripts/image/check.sh [service]      (default: user; needs PostgreSQL, as scripts/test.sh starts it)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/infra.sh"
svc="${1:-user}"
work="$MP_RUN/image-check"
rm -rf "$work"; mkdir -p "$work/src"
cd "$MP_ROOT"
# The build context: what git would hand `docker build` (tracked and new files, .dockerignore applied).
git ls-files -co --exclude-standard -z | grep -zvE '^(charts|k8s|tilt|docs|bench|tests)/' | xargs -0 cp --parents -t "$work/src"
(cd "$work/src" && PNPM_FLAGS=--offline sh scripts/image/prepare.sh "$svc" "$work/app") >"$work/prepare.log" 2>&1 \
  || { cat "$work/prepare.log"; die "prepare.sh failed"; }

for dev in vitest typescript @biomejs/biome; do
  [ -e "$work/app/node_modules/$dev" ] || [ -n "$(ls -d "$work/app/node_modules/.pnpm/${dev/\//+}@"* 2>/dev/null)" ] \
    && die "the image of $svc carries the dev dependency $dev"
done
log "image layout of $svc: $(du -sh "$work/app" | cut -f1), production dependencies only"

# No sandbox code in any image: the layout of each service with a provider's sandbox has neither
# the folder nor anything that loads it (local runs name it in LOCAL_MODULE, from the checkout).
no_sandbox() { # <service> <layout>
  [ ! -e "$2/services/$1/sandbox" ] || die "the image of $1 carries services/$1/sandbox"
  # Nor its tests or benchmarks (a benchmark may start the service with its sandbox).
  [ ! -e "$2/services/$1/test" ] && [ ! -e "$2/services/$1/bench" ] || die "the image of $1 carries its tests or benchmarks"
  ! grep -rlE "(from|import\() *'[^']*sandbox/" "$2/services" --include='*.ts' \
    || die "the image of $1 has code that imports its sandbox"
}
no_sandbox "$svc" "$work/app"
for dir in "$work"/src/services/*/sandbox; do
  s="$(basename "$(dirname "$dir")")"
  [ "$s" = "$svc" ] && continue
  (cd "$work/src" && PNPM_FLAGS=--offline sh scripts/image/prepare.sh "$s" "$work/layout-$s") >"$work/prepare-$s.log" 2>&1 \
    || { cat "$work/prepare-$s.log"; die "prepare.sh failed for $s"; }
  no_sandbox "$s" "$work/layout-$s"
  rm -rf "$work/layout-$s"
  checked="${checked:-} $s"
done
log "no sandbox code in the image layouts of $svc${checked:-}"

# Below the ephemeral port range (32768–60999), where an outgoing connection may hold any port.
port=$((29100 + MP_STACK))
metrics_port=$((29200 + MP_STACK))
schema="image_check_$MP_STACK"
# Production settings want the service's secrets (sealing keys, the PG's key): those a fresh local
# cluster's Secret holds, rendered by the chart (secrets.create) and named by the service's secretEnv.
ensure_helm
secret_env="$(node "$MP_ROOT/scripts/image/secret-env.ts" "$svc")" || die "no secrets for $svc from the chart"
secrets=()
[ -n "$secret_env" ] && mapfile -t secrets <<<"$secret_env"
cd "$work/app"
# The compile cache prepare.sh wrote (the Dockerfile sets NODE_COMPILE_CACHE to it): the service
# must find every TypeScript file's stripped source there (Node's debug log of the cache says so).
env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production NODE_COMPILE_CACHE="$work/app/.node-compile-cache" \
  NODE_DEBUG_NATIVE=COMPILE_CACHE PORT="$port" METRICS_PORT="$metrics_port" DB_SCHEMA="$schema" \
  DATABASE_URL="$MP_DATABASE_BASE_URL/marketplace_test" APP_API_TOKEN=image-check-app-token-0123456789 \
  ENVIRONMENT=image-check "${secrets[@]}" node --enable-source-maps main.mjs >"$work/service.log" 2>&1 &
pid=$!
ok=0
for _ in $(seq 1 100); do
  if curl -sf --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
[ $ok = 1 ] || { kill "$pid" 2>/dev/null; cat "$work/service.log"; die "$svc did not answer /healthz from its image layout"; }
grep -q 'transpile cache for StrippedTypeScript .*success$' "$work/service.log" \
  || { kill "$pid"; die "$svc did not read its TypeScript from the image's compile cache"; }
! grep 'transpile cache for StrippedTypeScript' "$work/service.log" | grep -v 'success$' \
  || { kill "$pid"; die "$svc stripped TypeScript the image's compile cache lacks (it loads Node's type stripper)"; }
PORT="$port" node healthcheck.mjs || { kill "$pid"; die "the image's health check failed"; }
# The outbox gauges are read from the database at each scrape (a failed read leaves the sample
# out, as a scrape a moment later fills it): a few scrapes, a second apart, before giving up.
served=0
for _ in 1 2 3 4 5; do
  metrics="$(curl -sf --max-time 5 "http://127.0.0.1:$metrics_port/metrics" || true)"
  grep -q '^mp_outbox_backlog' <<<"$metrics" && { served=1; break; }
  sleep 1
done
[ $served = 1 ] || { kill "$pid"; printf '%s\n' "$metrics" | grep -i outbox >&2; die "$svc did not serve its metrics from its image layout"; }
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
psql_admin -d marketplace_test -c "drop schema if exists $schema cascade" >/dev/null
[ $rc = 0 ] || { cat "$work/service.log"; die "$svc exited with $rc on SIGTERM"; }
grep -q '"msg":"stopped"' "$work/service.log" || die "$svc did not log a clean stop"
log "$svc started from its image layout, answered /healthz and stopped cleanly on SIGTERM"
