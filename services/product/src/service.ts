import {
  baseConfigSchema,
  intervalWorker,
  type ServiceConfig,
  type ServiceDefinition,
  z,
} from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { publishPopularity } from './domain/popularity.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';
import { revisionRoutes } from './routes/revisions.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'product',
  description: '상품: products, options and SKUs, categories, listing',
  config,
  migrations,
  routes,
  internal: (app, deps) => {
    internalRoutes(app, deps);
    revisionRoutes(app, deps);
  },
  handlers,
  workers: ({ db, events, log, config }) => [
    intervalWorker('popularity', config.POPULARITY_PUBLISH_MS, log, () => publishPopularity(db, events)),
  ],
};
