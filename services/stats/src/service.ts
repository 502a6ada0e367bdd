import { createDocuments } from '@mp/documents';
import type { ServiceDefinition } from '@mp/platform';
import { config, type StatsContext } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database, typeof config, StatsContext> = {
  name: 'stats',
  description:
    '통계: sales, products, logins, coupons and sign-ups per Korean day; daily figures and monthly reports',
  config,
  migrations,
  context: (deps) => ({ deps, storage: createDocuments(deps.config) }),
  routes,
  internal: internalRoutes,
  handlers: (ctx) => handlers(ctx.deps),
};
