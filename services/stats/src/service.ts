import type { ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'stats',
  description:
    '통계: sales, products, logins, coupons and sign-ups per Korean day; daily figures and monthly reports',
  config,
  migrations,
  routes,
  internal: internalRoutes,
  handlers,
};
