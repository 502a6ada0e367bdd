#!/usr/bin/env bash
# Installs what the project needs on a fresh machine (idempotent): Debian packages (PostgreSQL,
# Redis, nginx), Node 24 LTS, pnpm, the workspace's dependencies, and the pinned daprd.
source "$(dirname "${BASH_SOURCE[0]}")/lib/tools.sh"
ensure_runtime
log "set-up complete: node $(node -v), pnpm $(pnpm -v), daprd $("$DAPRD" --version)"
