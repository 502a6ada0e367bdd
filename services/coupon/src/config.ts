import { baseConfigSchema, type ServiceConfig, z } from '@mp/platform';

/** The coupon service's variables (the kit's base ones and these). */
export const config = baseConfigSchema.extend({
  /** The grant worker's safety net; a new job wakes it at once (LISTEN coupon_grant_jobs). */
  COUPON_GRANT_POLL_MS: z.coerce.number().int().min(50).default(5_000),
  /** Users per batch of a grant to everyone (user's pages hold at most 100). */
  COUPON_GRANT_BATCH: z.coerce.number().int().min(1).max(100).default(100),
  /** A coupon drop's claims and grants running at once; the rest wait their turn (the kit's admission). */
  COUPON_CLAIM_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  COUPON_CLAIM_QUEUE: z.coerce.number().int().min(0).default(20_000),
});
export type CouponConfig = ServiceConfig<typeof config>;
