import { baseConfigSchema, type ServiceDefinition, wakeableWorker, z } from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { GRANT_JOBS_CHANNEL, runGrantJobs } from './domain/grant-jobs.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

const config = baseConfigSchema.extend({
  /** The grant worker's safety net; a new job wakes it at once (LISTEN coupon_grant_jobs). */
  COUPON_GRANT_POLL_MS: z.coerce.number().int().min(50).default(5_000),
  /** Users per batch of a grant to everyone (user's pages hold at most 100). */
  COUPON_GRANT_BATCH: z.coerce.number().int().min(1).max(100).default(100),
  /** A coupon drop's claims and grants running at once; the rest wait their turn (the kit's admission). */
  COUPON_CLAIM_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  COUPON_CLAIM_QUEUE: z.coerce.number().int().min(0).default(20_000),
});
export type CouponConfig = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'coupon',
  description:
    '쿠폰: coupons, first-come-first-served issue, grants to users and to everyone, promotions, validation, redemption and expiry',
  config,
  migrations,
  routes,
  internal: internalRoutes,
  handlers,
  workers: (deps) => [
    wakeableWorker(
      'coupon-grant-jobs',
      {
        pollMs: deps.config.COUPON_GRANT_POLL_MS,
        log: deps.log,
        listen: {
          databaseUrl: deps.config.DATABASE_URL,
          channel: GRANT_JOBS_CHANNEL,
          schema: deps.config.DB_SCHEMA,
        },
      },
      () => runGrantJobs(deps, deps.config.COUPON_GRANT_BATCH),
    ),
  ],
};
