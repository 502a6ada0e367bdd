import { baseConfigSchema, type ServiceDefinition, wakeableWorker, z } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { GRANT_JOBS_CHANNEL, runGrantJobs } from './domain/grant-jobs.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

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
