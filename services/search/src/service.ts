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
import { pruneTermCounts } from './domain/suggestions.ts';
import { handlers } from './events/handlers.ts';
import { partsOf } from './parts.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'search',
  description: '검색: product search, autocomplete, popular terms',
  config,
  migrations,
  routes,
  handlers,
  readiness: async (deps) => ({ index: await partsOf(deps).index.healthy() }),
  workers: (deps) => {
    const parts = partsOf(deps);
    const flush = intervalWorker('search-terms', deps.config.SEARCH_TERMS_FLUSH_MS, deps.log, () =>
      parts.counter.flush(deps.db),
    );
    return [
      { name: 'index', start: async () => parts.index.ensureIndex?.(), stop: async () => {} },
      {
        ...flush,
        stop: async () => {
          await flush.stop();
          await parts.counter.flush(deps.db);
        },
      },
      intervalWorker('search-terms-retention', 3_600_000, deps.log, () =>
        pruneTermCounts(deps.db, Math.max(deps.config.POPULAR_WINDOW_HOURS, 24) * 2),
      ),
    ];
  },
};
