#!/bin/sh
# Lays out one service with its production dependencies only, as the image runs it (the Dockerfile's
# build stage runs this; `scripts/image/check.sh` runs it on this machine and starts the result).
#   scripts/image/prepare.sh <service> <out>      run from the workspace root
# The service and the workspace packages it imports stay TypeScript: Node 24 strips the types, and
# pnpm's workspace links resolve to packages/*, outside node_modules, where Node allows that.
set -eu
svc="$1"
out="$2"
[ -d "services/$svc" ] || { echo "no service $svc" >&2; exit 1; }

# The service and the workspace packages it depends on (pnpm's `...` filter), production only.
# shellcheck disable=SC2086 # PNPM_FLAGS: extra flags, e.g. --offline after `pnpm fetch` in the Dockerfile
pnpm install --prod --frozen-lockfile --filter "@mp/$svc..." --config.confirmModulesPurge=false --reporter=silent ${PNPM_FLAGS:-}

mkdir -p "$out/services"
cp -a package.json pnpm-workspace.yaml node_modules "$out/"
cp -a packages "$out/packages"
cp -a "services/$svc" "$out/services/$svc"
# Tests and their fixtures are not part of the image, nor are the service's benchmarks or the
# providers' sandboxes (local runs mount them from the checkout: LOCAL_MODULE names
# services/<name>/sandbox/index.ts).
rm -rf "$out"/packages/*/test "$out/services/$svc/test" "$out/services/$svc/bench" "$out/services/$svc/sandbox"
# One entry point whatever the service: the image's command is `node /app/main.mjs`.
printf "import './services/%s/src/main.ts';\n" "$svc" >"$out/main.mjs"
# Node's compile cache (the image sets NODE_COMPILE_CACHE to /app/.node-compile-cache): the
# service starts without loading Node's type stripper (scripts/image/compile-cache.mjs).
node scripts/image/compile-cache.mjs "$out/.node-compile-cache" "$out/main.mjs"
[ -n "$(ls -A "$out/.node-compile-cache")" ] || { echo "no compile cache written for $svc" >&2; exit 1; }
# The container's health check: GET /healthz on the service's port (PORT, else the services table's).
cat >"$out/healthcheck.mjs" <<JS
import { services } from './packages/contracts/src/index.ts';
const port = process.env.PORT ?? services['$svc'].port;
fetch(\`http://127.0.0.1:\${port}/healthz\`, { signal: AbortSignal.timeout(2500) }).then(
  (r) => process.exit(r.ok ? 0 : 1),
  () => process.exit(1),
);
JS
