import type { ServiceDefinition } from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database> = {
  name: 'coupon',
  description: '쿠폰: coupons, first-come-first-served issue, validation, redemption and expiry',
  migrations,
  routes,
  internal: internalRoutes,
  handlers,
};
