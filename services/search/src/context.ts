import type { ServiceDeps } from '@mp/platform';
import { Client } from '@opensearch-project/opensearch';
import { type OpenSearchLike, openSearchIndex } from './backends/opensearch.ts';
import type { SearchIndex } from './backends/port.ts';
import { postgresIndex } from './backends/postgres.ts';
import type { SearchConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import { HotQueryCache } from './domain/cache.ts';
import { TermCounter } from './domain/suggestions.ts';

export type SearchDeps = ServiceDeps<Database, SearchConfig>;

/** What search's routes, handlers and workers share: the deps, the index backend, the hot-query cache and the term counter. */
export interface SearchContext extends SearchDeps {
  index: SearchIndex & { ensureIndex?(): Promise<void> };
  cache: HotQueryCache;
  counter: TermCounter;
}

/** Builds search's context from the config; the kit calls it once per service (the definition's `context`). */
export function searchContext(deps: SearchDeps): SearchContext {
  const c = deps.config;
  const index =
    c.SEARCH_BACKEND === 'opensearch'
      ? openSearchIndex(
          new Client({ node: c.OPENSEARCH_URL! }) as unknown as OpenSearchLike,
          c.OPENSEARCH_INDEX,
        )
      : postgresIndex(deps.db);
  return {
    ...deps,
    index,
    cache: new HotQueryCache(deps.dapr, c.SEARCH_CACHE_STORE, c.SEARCH_CACHE_TTL_SECONDS, deps.log),
    counter: new TermCounter(),
  };
}
