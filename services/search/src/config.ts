import { baseConfigSchema, planCacheMode, type ServiceConfig, z } from '@mp/platform';

/** The search service's variables (the kit's base ones and these). */
export const config = baseConfigSchema
  .extend({
    /**
     * Search's statements are planned for their words each time: a plan kept for one word was 2×
     * slower for another (`services/search/bench/search.bench.ts`, decision 0069).
     */
    DB_PLAN_CACHE_MODE: planCacheMode.default('force_custom_plan'),
    /** Where products and orders are indexed: postgres (pg_trgm; the local default) or opensearch (nori; production). */
    SEARCH_BACKEND: z.enum(['postgres', 'opensearch']).default('postgres'),
    OPENSEARCH_URL: z.url().optional(),
    /**
     * How search proves itself to OpenSearch: none; basic (the user and password in OPENSEARCH_URL,
     * from the app secret); sigv4 (AWS IAM request signing with the pod's role, for an Amazon
     * OpenSearch Service domain or, with OPENSEARCH_AWS_SERVICE=aoss, a Serverless collection).
     */
    OPENSEARCH_AUTH: z
      .enum(['none', 'basic', 'sigv4'], {
        error: 'must be none, basic (user and password in OPENSEARCH_URL) or sigv4 (AWS IAM signing)',
      })
      .default('none'),
    OPENSEARCH_AWS_SERVICE: z
      .enum(['es', 'aoss'], { error: 'must be es (a domain) or aoss (Serverless)' })
      .default('es'),
    /** The AWS region signed for with OPENSEARCH_AUTH=sigv4 (the SDK's own variable). */
    AWS_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as ap-northeast-2')
      .optional(),
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
  })
  .refine((c) => c.OPENSEARCH_AUTH !== 'sigv4' || c.AWS_REGION, {
    path: ['AWS_REGION'],
    message: 'required when OPENSEARCH_AUTH is sigv4 (the region requests are signed for)',
  })
  .refine(
    (c) => c.OPENSEARCH_AUTH !== 'basic' || !c.OPENSEARCH_URL || userAndPassword(c.OPENSEARCH_URL) === 2,
    {
      path: ['OPENSEARCH_URL'],
      message:
        'needs the user and password (https://user:password@host, from the app secret) when OPENSEARCH_AUTH is basic',
    },
  )
  .refine(
    (c) => c.OPENSEARCH_AUTH === 'basic' || !c.OPENSEARCH_URL || userAndPassword(c.OPENSEARCH_URL) === 0,
    {
      path: ['OPENSEARCH_AUTH'],
      message: 'must be basic when OPENSEARCH_URL carries a user or password (none and sigv4 send none)',
    },
  );

/** How many of user and password a URL carries. */
function userAndPassword(url: string) {
  const u = new URL(url);
  return Number(u.username !== '') + Number(u.password !== '');
}
export type SearchConfig = ServiceConfig<typeof config>;
