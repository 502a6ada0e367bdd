import {
  baseConfigSchema,
  intervalWorker,
  type ServiceConfig,
  type ServiceDefinition,
  z,
} from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { publishPopularity } from './domain/popularity.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';
import { revisionRoutes } from './routes/revisions.ts';

const config = baseConfigSchema.extend({
  /** How many products a user's recent views (최근 본 상품) keep. */
  RECENT_VIEWS_MAX_ITEMS: z.coerce.number().int().min(1).max(500).default(50),
  /** How often changed popularity (sales, reviews, views) is announced to search. */
  POPULARITY_PUBLISH_MS: z.coerce.number().int().min(100).default(60_000),
});
export type ProductConfig = ServiceConfig<typeof config>;

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
