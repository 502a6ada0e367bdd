import { intervalWorker, type ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { type SearchContext, searchContext } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { pruneTermCounts } from './domain/suggestions.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database, typeof config, SearchContext> = {
  name: 'search',
  description: '검색: product search, autocomplete, popular terms, order search',
  config,
  migrations,
  context: searchContext,
  routes,
  handlers,
  readiness: async (ctx) => ({ index: await ctx.index.healthy(), orders: await ctx.orders.healthy() }),
  workers: (ctx) => {
    const flush = intervalWorker('search-terms', ctx.config.SEARCH_TERMS_FLUSH_MS, ctx.log, () =>
      ctx.counter.flush(ctx.db),
    );
    return [
      {
        name: 'index',
        start: async () => {
          await ctx.index.ensureIndex?.();
          await ctx.orders.ensureIndex?.();
        },
        stop: async () => {},
      },
      {
        ...flush,
        stop: async () => {
          await flush.stop();
          await ctx.counter.flush(ctx.db);
        },
      },
      intervalWorker('search-terms-retention', 3_600_000, ctx.log, () =>
        pruneTermCounts(ctx.db, Math.max(ctx.config.POPULAR_WINDOW_HOURS, 24) * 2),
      ),
    ];
  },
};
