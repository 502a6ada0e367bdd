#!/usr/bin/env bash
# Fills a running stack (scripts/up.sh) with a living market through the gateway: sellers, a category
# tree, a few hundred products with photos, buyers, orders in every status, reviews, coupons, a
# promotion and notices. Idempotent: a second run adds nothing.   MP_STACK=N scripts/seed.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$MP_ROOT"
exec node scripts/seed/index.ts "$@"
