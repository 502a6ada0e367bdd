import { baseConfigSchema, type ServiceConfig, z } from '@mp/platform';

/** The search service's variables (the kit's base ones and these). */
export const config = baseConfigSchema
  .extend({
    /** Where products and orders are indexed: postgres (pg_trgm; the local default) or opensearch (nori; production). */
    SEARCH_BACKEND: z.enum(['postgres', 'opensearch']).default('postgres'),
    OPENSEARCH_URL: z.url().optional(),
    OPENSEARCH_INDEX: z.string().default('products'),
    /** The orders index (admin and seller order search) when SEARCH_BACKEND is opensearch. */
    OPENSEARCH_ORDERS_INDEX: z.string().default('orders'),
    /** The Dapr state store of cached hot queries, and how long a cached page lives (0 turns the cache off). */
    SEARCH_CACHE_STORE: z.string().default('searchcache'),
    SEARCH_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    /** Searches of one term within a minute that make it hot (cached). */
    SEARCH_HOT_THRESHOLD: z.coerce.number().int().min(1).default(5),
    /** The window of popular terms (인기 검색어) and of autocomplete's recent searches. */
    POPULAR_WINDOW_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    SEARCH_TERMS_FLUSH_MS: z.coerce.number().int().min(100).default(2000),
  })
  .refine((c) => c.SEARCH_BACKEND !== 'opensearch' || c.OPENSEARCH_URL, {
    path: ['OPENSEARCH_URL'],
    message: 'required when SEARCH_BACKEND is opensearch',
  });
export type SearchConfig = ServiceConfig<typeof config>;
