# syntax=docker/dockerfile:1.7
# One image per service from one Dockerfile:
#   docker build --build-arg SERVICE=order -t marketplace-order .
# The build stage lays out the service with production dependencies only
# (scripts/image/prepare.sh, which scripts/image/check.sh proves on a machine without Docker);
# the runtime stage is Node 24 LTS slim, non-root, read-only friendly, with no package manager.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
ARG PNPM_VERSION=10.34.9
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<name of a services/ folder>" >&2; exit 1)
RUN npm install -g --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Dependencies first, from the lockfile alone, so source changes reuse this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
# pnpm applies the patches named in pnpm-workspace.yaml (patchedDependencies) when it installs.
COPY patches ./patches
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store pnpm fetch --prod
COPY packages ./packages
COPY services ./services
COPY scripts/image/prepare.sh scripts/image/compile-cache.mjs ./scripts/image/
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    PNPM_FLAGS=--offline sh scripts/image/prepare.sh "$SERVICE" /app
# The service's provider sandboxes (payment, shipping, notification, settlement), for the local stage only.
RUN mkdir -p /sandbox && if [ -d "services/$SERVICE/sandbox" ]; then cp -a "services/$SERVICE/sandbox/." /sandbox/; fi

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# root (the default): the files are read-only to the process. Tilt passes 10001:10001 so that its
# live updates can write synced sources into the container (local clusters only).
ARG APP_OWNER=root:root
# NODE_COMPILE_CACHE: the stripped TypeScript and V8 code prepare.sh compiled into the layout, so
# the process never loads Node's type stripper (about 18 MB of memory per process).
ENV NODE_ENV=production \
    NODE_COMPILE_CACHE=/app/.node-compile-cache \
    SERVICE=${SERVICE}
# What a service needs from Debian besides Node (settlement draws its statements with Hangul fonts,
# as scripts/lib/tools.sh installs them locally).
RUN case "$SERVICE" in \
      settlement) packages="fonts-nanum" ;; \
      *) packages="" ;; \
    esac; \
    if [ -n "$packages" ]; then \
      apt-get update && apt-get install -y --no-install-recommends $packages && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
# Files stay root-owned and read-only to the process; it writes only to /tmp.
COPY --from=build --chown=${APP_OWNER} /app /app
USER 10001:10001
# The kit drains in-flight requests and the outbox on SIGTERM (node is PID 1 and handles it).
STOPSIGNAL SIGTERM
# For `docker run`; Kubernetes uses the chart's probes on /healthz and /readyz instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["node", "--enable-source-maps", "/app/main.mjs"]

# Local clusters only (Tilt builds `--target local`): the same image plus the service's sandboxes,
# which the chart's local values name in LOCAL_MODULE. Every other build gets the last stage,
# which has no sandbox code (scripts/image/check.sh proves the layout).
FROM runtime AS local
ARG SERVICE
ARG APP_OWNER=root:root
COPY --from=build --chown=${APP_OWNER} /sandbox /app/services/${SERVICE}/sandbox

FROM runtime AS production
