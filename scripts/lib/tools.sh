# Idempotent installers for what the project needs on a machine of the `polyglot` kind.
# Each ensure_* is a no-op when the pinned thing is already there.
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_system_packages() {
  apt_install postgresql postgresql-contrib redis-server nginx-light ca-certificates curl
  # Hangul glyphs for settlement statements (정산서 PDF); pdftotext lets tests read those PDFs back.
  apt_install fonts-nanum poppler-utils
  # What the README's examples use besides curl.
  apt_install jq uuid-runtime
  # Debian starts the packaged services; the project runs its own instances under .run/.
  for svc in redis-server nginx postgresql; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then
      systemctl stop "$svc" >/dev/null 2>&1 || true
    fi
  done
  pkill -f '^/usr/bin/redis-server 127.0.0.1:6379' 2>/dev/null || true
  return 0
}

# Debian's RabbitMQ for the rabbitmq profile; its packaged service stays stopped (each stack runs its own node).
ensure_rabbitmq() {
  apt_install rabbitmq-server
  if command -v systemctl >/dev/null && systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
    systemctl stop rabbitmq-server >/dev/null 2>&1 || true
  fi
  return 0
}

ensure_node() {
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    command -v npm >/dev/null || die "npm is needed to fetch Node $NODE_VERSION from the npm registry"
    log "installing Node $NODE_VERSION from the npm registry's node package"
    npm install --prefix "$MP_CACHE/node-$NODE_VERSION" --no-save --no-audit --no-fund "node@$NODE_VERSION" >/dev/null 2>&1 \
      || die "could not install node@$NODE_VERSION"
  fi
  [ "$(node -v)" = "v$NODE_VERSION" ] || die "node on PATH is $(node -v), expected v$NODE_VERSION"
}

ensure_pnpm() {
  ensure_node
  if [ ! -x "$PNPM_HOME_DIR/node_modules/.bin/pnpm" ]; then
    log "installing pnpm $PNPM_VERSION"
    npm install --prefix "$PNPM_HOME_DIR" --no-save --no-audit --no-fund "pnpm@$PNPM_VERSION" >/dev/null 2>&1 \
      || die "could not install pnpm@$PNPM_VERSION"
  fi
}

ensure_deps() {
  ensure_pnpm
  local stamp="$MP_ROOT/node_modules/.mp-lock-stamp"
  local want; want="$(sha1sum "$MP_ROOT/pnpm-lock.yaml" "$MP_ROOT/package.json" 2>/dev/null | sha1sum | cut -c1-40)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "pnpm install"
    (cd "$MP_ROOT" && pnpm install --frozen-lockfile --reporter=silent) || die "pnpm install failed"
    echo "$want" >"$stamp"
  fi
}

# A Go module's source, downloaded once from the module proxy into the cache; prints its folder.
go_module_src() { # module version
  local module="$1" version="$2"
  local src="$MP_CACHE/src/${module//\//_}@$version"
  if [ ! -d "$src" ]; then
    command -v go >/dev/null || die "Go is needed to download $module"
    log "downloading $module@$version from the Go module proxy"
    local dir
    dir="$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
    [ -d "$dir" ] || die "go mod download $module@$version failed"
    mkdir -p "$(dirname "$src")"; cp -r "$dir" "$src.tmp"; chmod -R u+w "$src.tmp"; mv "$src.tmp" "$src"
  fi
  echo "$src"
}

# Builds a Go command from the module proxy into $MP_BIN, pinned and cached.
# `go install mod@version` refuses modules whose go.mod has replace directives (dapr's has),
# so the module source is downloaded and built in place.
go_build_module() { # module version package output [tags] [ldflags] [build flags]
  local module="$1" version="$2" pkg="$3" out="$4" tags="${5:-}" ldflags="${6:-}" flags="${7:-}"
  command -v go >/dev/null || die "Go is needed to build $module"
  local src; src="$(go_module_src "$module" "$version")"
  log "building $pkg of $module@$version (cached after the first time)"
  mkdir -p "$MP_BIN"
  # Go fetches the toolchain the module asks for (its go.mod's `go` line; Dapr 1.18.2 needs Go
  # 1.26.5) through the module proxy when the installed one is older (GOTOOLCHAIN=auto). The
  # build prints progress (-v: each package as it compiles) so the first set-up is not silent.
  local build_log="$MP_CACHE/build-$(basename "$out").log"
  (cd "$src" && GOTOOLCHAIN="${MP_GOTOOLCHAIN:-auto}" GOFLAGS="-buildvcs=false -mod=mod" CGO_ENABLED=0 \
    go build -v -trimpath $flags ${tags:+-tags "$tags"} -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg" 2>&1 |
      tee "$build_log" | awk '{ n++ } n % 50 == 0 { printf "\r  … %d packages compiled", n; fflush() } END { if (n) print "" }'
    exit "${PIPESTATUS[0]}") || { tail -20 "$build_log" >&2; die "building $module@$version failed (log: $build_log)"; }
  mv "$out.tmp" "$out"
}

# daprd: the project's flavor, built from the pinned module source with only the components the
# project's Dapr resources use (components/generated/daprd-components.txt, through the overlay of
# scripts/image/daprd-overlay.sh; Dockerfile.daprd builds the chart's sidecar image the same way).
# A daprd on PATH or in ~/.dapr/bin, or the allcomponents build of earlier set-ups ($MP_BIN/daprd),
# carries all of Dapr's components and is not used. The binary is named by Dapr's version and a
# hash of the list and the overlay script, so a changed list builds a new one, and checkouts with
# different lists sharing the cache do not overwrite each other's.
DAPRD_COMPONENTS="$MP_ROOT/components/generated/daprd-components.txt"
ensure_daprd() {
  local hash out
  hash="$(cat "$DAPRD_COMPONENTS" "$MP_ROOT/scripts/image/daprd-overlay.sh" | sha1sum | cut -c1-12)"
  out="$MP_BIN/daprd-$DAPR_VERSION-$hash"
  if [ ! -x "$out" ]; then
    local src; src="$(go_module_src github.com/dapr/dapr "v$DAPR_VERSION")"
    mkdir -p "$MP_CACHE/daprd"
    local overlay="$MP_CACHE/daprd/overlay-$hash.json"
    sh "$MP_ROOT/scripts/image/daprd-overlay.sh" "$src" "$DAPRD_COMPONENTS" >"$overlay" \
      || die "the daprd component list names a component Dapr $DAPR_VERSION does not have"
    log "building daprd $DAPR_VERSION with the project's components (several minutes the first time)"
    go_build_module github.com/dapr/dapr "v$DAPR_VERSION" ./cmd/daprd "$out" allcomponents \
      "-X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" "-overlay $overlay"
  fi
  DAPRD="$out"; export DAPRD
}

# Sentry, Dapr's certificate authority (mTLS between sidecars), from the same pinned module as daprd.
ensure_sentry() {
  if [ -x "$MP_BIN/sentry" ] && [ "$(cat "$MP_BIN/sentry.version" 2>/dev/null)" = "$DAPR_VERSION" ]; then
    SENTRY="$MP_BIN/sentry"; export SENTRY; return 0
  fi
  log "building Dapr's Sentry $DAPR_VERSION (mTLS certificate authority; about two minutes, once)"
  go_build_module github.com/dapr/dapr "v$DAPR_VERSION" ./cmd/sentry "$MP_BIN/sentry" "" \
    "-X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION"
  echo "$DAPR_VERSION" >"$MP_BIN/sentry.version"
  SENTRY="$MP_BIN/sentry"; export SENTRY
}

# Java 17 or newer for the trace viewer: the machine's, else Debian's headless runtime.
ensure_java() {
  local major
  major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [ -n "$major" ] && [ "$major" -ge 17 ] && return 0
  apt_install openjdk-17-jre-headless
}

# The local trace viewer (Zipkin), whose jar the runner starts: downloaded once from Maven Central,
# pinned by version and SHA-256, cached in $MP_CACHE/zipkin.
ensure_zipkin() {
  ensure_java
  local jar="$MP_CACHE/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  if [ ! -f "$jar" ]; then
    log "downloading the trace viewer, Zipkin $ZIPKIN_VERSION, from Maven Central (135 MB, once)"
    mkdir -p "$(dirname "$jar")"
    curl -fsSL --retry 3 -o "$jar.tmp" \
      "https://repo1.maven.org/maven2/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar" \
      || { rm -f "$jar.tmp"; die "could not download Zipkin $ZIPKIN_VERSION from Maven Central"; }
    echo "$ZIPKIN_SHA256  $jar.tmp" | sha256sum -c --quiet - \
      || { rm -f "$jar.tmp"; die "the downloaded Zipkin jar does not have the pinned SHA-256"; }
    mv "$jar.tmp" "$jar"
  fi
  ZIPKIN_JAR="$jar"; export ZIPKIN_JAR
}

ensure_dapr_cli() {
  [ -x "$MP_BIN/dapr" ] && "$MP_BIN/dapr" version --output json 2>/dev/null | grep -q "\"$DAPR_CLI_VERSION\"" && return 0
  go_build_module github.com/dapr/cli "v$DAPR_CLI_VERSION" . "$MP_BIN/dapr" "" \
    "-X main.version=$DAPR_CLI_VERSION -X main.apiVersion=1.0"
}

# helm, with the ldflags of its own Makefile (the default Kubernetes version is that of its
# client-go, 1.34 for helm 3.19; without them `helm template` assumes 1.20).
ensure_helm() {
  local flags="-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
  local k
  for k in pkg/lint/rules pkg/chartutil; do
    flags+=" -X helm.sh/helm/v3/$k.k8sVersionMajor=1 -X helm.sh/helm/v3/$k.k8sVersionMinor=34"
  done
  [ -x "$MP_BIN/helm" ] && [ "$(cat "$MP_BIN/helm.ldflags" 2>/dev/null)" = "$flags" ] && return 0
  go_build_module helm.sh/helm/v3 "v$HELM_VERSION" ./cmd/helm "$MP_BIN/helm" "" "$flags"
  echo "$flags" >"$MP_BIN/helm.ldflags"
}

ensure_kubeconform() {
  [ -x "$MP_BIN/kubeconform" ] && "$MP_BIN/kubeconform" -v 2>/dev/null | grep -q "$KUBECONFORM_VERSION" && return 0
  go_build_module github.com/yannh/kubeconform "v$KUBECONFORM_VERSION" ./cmd/kubeconform "$MP_BIN/kubeconform" "" \
    "-X main.version=v$KUBECONFORM_VERSION"
}

# JSON schemas for kubeconform, kept in the cache so the chart checks run offline: Kubernetes'
# strict schema set from the kubernetes-validate wheel (PyPI), the custom resources' from the CRDs in
# the pinned Dapr source's Helm chart and the pinned Prometheus Operator's module (scripts/k8s/schemas.py).
K8S_SCHEMAS="$MP_CACHE/schemas/k8s-$KUBE_SCHEMA_VERSION-dapr-$DAPR_VERSION-prometheus-operator-$PROMETHEUS_OPERATOR_VERSION"
ensure_k8s_schemas() {
  [ -f "$K8S_SCHEMAS/.complete" ] && return 0
  ensure_py_tools
  local wheels="$MP_CACHE/wheels"
  mkdir -p "$wheels"
  local wheel="$wheels/kubernetes_validate-$KUBERNETES_VALIDATE_VERSION-py3-none-any.whl"
  if [ ! -f "$wheel" ]; then
    log "downloading kubernetes-validate $KUBERNETES_VALIDATE_VERSION (Kubernetes JSON schemas) from PyPI"
    "$PY_VENV/bin/pip" download -q --disable-pip-version-check --no-deps -d "$wheels" \
      "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" || die "pip download kubernetes-validate failed"
  fi
  local dapr_src promop_src
  dapr_src="$(go_module_src github.com/dapr/dapr "v$DAPR_VERSION")"
  promop_src="$(go_module_src github.com/prometheus-operator/prometheus-operator "v$PROMETHEUS_OPERATOR_VERSION")"
  rm -rf "$K8S_SCHEMAS"
  "$PY_VENV/bin/python" "$MP_ROOT/scripts/k8s/schemas.py" "$wheel" "$KUBE_SCHEMA_VERSION" "$K8S_SCHEMAS" \
    "$dapr_src/charts/dapr/crds" "$promop_src/example/prometheus-operator-crd" || die "building the JSON schemas failed"
  touch "$K8S_SCHEMAS/.complete"
}

# The Tiltfile checker (tilt/check: go.starlark.net with Tilt's builtins stubbed), built from the
# repository's source with modules from the Go proxy; rebuilt when its source changes.
ensure_tiltcheck() {
  local src="$MP_ROOT/tilt/check" want
  want="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha1sum | cut -c1-40)"
  [ -x "$MP_BIN/tiltcheck" ] && [ "$(cat "$MP_BIN/tiltcheck.stamp" 2>/dev/null)" = "$want" ] && return 0
  command -v go >/dev/null || die "Go is needed to build the Tiltfile checker"
  log "building the Tiltfile checker (tilt/check)"
  mkdir -p "$MP_BIN"
  (cd "$src" && GOTOOLCHAIN="${MP_GOTOOLCHAIN:-auto}" GOFLAGS="-buildvcs=false -mod=mod" CGO_ENABLED=0 \
    go build -trimpath -o "$MP_BIN/tiltcheck.tmp" .) || die "building tilt/check failed"
  mv "$MP_BIN/tiltcheck.tmp" "$MP_BIN/tiltcheck"
  echo "$want" >"$MP_BIN/tiltcheck.stamp"
}

# The Python tools (moto's server, aiosmtpd) in their own venv, pinned.
ensure_py_tools() {
  local stamp="$PY_VENV/.mp-stamp" want="${PY_TOOLS[*]}"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  # Debian's python3 comes without venv and pip; python3-venv brings both.
  apt_install python3 python3-venv
  log "installing Python tools: $want"
  python3 -m venv "$PY_VENV" >/dev/null || die "python3 -m venv failed"
  "$PY_VENV/bin/pip" install -q --disable-pip-version-check "${PY_TOOLS[@]}" || die "pip install failed"
  echo "$want" >"$stamp"
}

# Schemathesis, the API fuzzer of `scripts/test.sh fuzz`, in a venv of its own (pinned).
ensure_fuzzer() {
  local stamp="$FUZZ_VENV/.mp-stamp"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$FUZZ_TOOL" ] && return 0
  log "installing the API fuzzer: $FUZZ_TOOL"
  python3 -m venv "$FUZZ_VENV" >/dev/null || die "python3 -m venv failed"
  "$FUZZ_VENV/bin/pip" install -q --disable-pip-version-check "$FUZZ_TOOL" || die "pip install failed"
  echo "$FUZZ_TOOL" >"$stamp"
}

# Debian's Chromium for the browser test (tests/e2e/browser.test.ts drives it with playwright-core;
# no browser is ever downloaded by Playwright).
ensure_browser() {
  apt_install chromium
}

# Everything the system needs to run and be tested here.
ensure_runtime() {
  ensure_system_packages
  ensure_node
  ensure_deps
  ensure_daprd
  ensure_sentry
  ensure_zipkin
}
