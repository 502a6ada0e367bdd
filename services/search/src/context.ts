import type { ServiceDeps } from '@mp/platform';
import { openSearchIndex } from './backends/opensearch.ts';
import { openSearchClient } from './backends/opensearch-client.ts';
import { openSearchOrders } from './backends/orders-opensearch.ts';
import { postgresOrders } from './backends/orders-postgres.ts';
import type { OrdersIndex, SearchIndex } from './backends/port.ts';
import { postgresIndex } from './backends/postgres.ts';
import type { SearchConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import { HotQueryCache } from './domain/cache.ts';
import { TermCounter } from './domain/suggestions.ts';

export type SearchDeps = ServiceDeps<Database, SearchConfig>;

/** What search's routes, handlers and workers share: the deps, the products and orders indexes (one backend), the hot-query cache and the term counter. */
export interface SearchContext extends SearchDeps {
  index: SearchIndex & { ensureIndex?(): Promise<void> };
  orders: OrdersIndex;
  cache: HotQueryCache;
  counter: TermCounter;
}

/** Builds search's context from the config; the kit calls it once per service (the definition's `context`). */
export function searchContext(deps: SearchDeps): SearchContext {
  const c = deps.config;
  const client =
    c.SEARCH_BACKEND === 'opensearch'
      ? openSearchClient({ ...c, OPENSEARCH_URL: c.OPENSEARCH_URL! })
      : undefined;
  return {
    ...deps,
    index: client ? openSearchIndex(client, c.OPENSEARCH_INDEX, deps.log) : postgresIndex(deps.db),
    orders: client ? openSearchOrders(client, c.OPENSEARCH_ORDERS_INDEX, deps.log) : postgresOrders(deps.db),
    cache: new HotQueryCache(deps.dapr, c.SEARCH_CACHE_STORE, c.SEARCH_CACHE_TTL_SECONDS, deps.log),
    counter: new TermCounter(),
  };
}
