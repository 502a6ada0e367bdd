import { type App, createRoute, jsonResponse, pageQuery, problems, z } from '@mp/platform';
import { searchSorts } from '../backends/port.ts';
import type { SearchContext } from '../context.ts';
import { autocomplete, popularTerms } from '../domain/suggestions.ts';
import { normalize } from '../domain/text.ts';
import { orderRoutes } from './orders.ts';

const won = z.coerce.number().int().min(0).max(1_000_000_000);
const hit = z
  .object({
    productId: z.string(),
    sellerId: z.string(),
    name: z.string(),
    brand: z.string().nullable(),
    price: z.int(),
    categoryId: z.string(),
    thumbnailUrl: z.string().nullable(),
    stock: z.int(),
    stockStatus: z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK']),
    popularity: z.int(),
    createdAt: z.string(),
    score: z.number(),
  })
  .openapi('SearchHit');

const search = createRoute({
  method: 'get',
  path: '/api/v1/search',
  summary: 'Search products on sale: Korean text inside words and across spacing, filters, sorts',
  request: {
    query: pageQuery.extend({
      q: z.string().max(100).default(''),
      categoryId: z.string().max(64).optional(),
      minPrice: won.optional(),
      maxPrice: won.optional(),
      brand: z.string().max(100).optional(),
      sort: z.enum(searchSorts).optional(),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(hit), nextCursor: z.string().nullable() }), 'Products found'),
    ...problems(400, 503),
  },
});
const suggest = createRoute({
  method: 'get',
  path: '/api/v1/search/autocomplete',
  summary: 'Suggestions for what is being typed (a half-typed syllable counts)',
  request: {
    query: z.object({ q: z.string().max(100), limit: z.coerce.number().int().min(1).max(20).default(10) }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(z.object({ text: z.string(), kind: z.enum(['query', 'product']) })) }),
      'Suggestions',
    ),
    ...problems(400),
  },
});
const popular = createRoute({
  method: 'get',
  path: '/api/v1/search/popular',
  summary: '인기 검색어: the most searched terms of the recent window',
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }) },
  responses: {
    200: jsonResponse(
      z.object({
        windowHours: z.int(),
        items: z.array(z.object({ rank: z.int(), term: z.string(), count: z.int() })),
      }),
      'Popular terms',
    ),
    ...problems(400),
  },
});

/** The public routes of the search service. */
export function routes(app: App, deps: SearchContext): void {
  orderRoutes(app, deps);
  app.openapi(search, async (c) => {
    const p = c.req.valid('query');
    const { index, cache, counter } = deps;
    const query = { ...p, q: normalize(p.q), sort: p.sort ?? (p.q.trim() ? 'relevance' : 'latest') } as const;
    // Only first pages of text searches are counted and cached; a term counts when it found something.
    const counted = !query.cursor && !!query.q;
    const key = cache.key(query);
    if (counted) {
      const cached = await cache.get<{ items: z.infer<typeof hit>[]; nextCursor: string | null }>(key);
      if (cached) {
        counter.record(query.q);
        c.header('x-cache', 'hit');
        return c.json(cached, 200);
      }
    }
    const result = await index.search(query);
    if (counted && result.items.length && counter.record(query.q) >= deps.config.SEARCH_HOT_THRESHOLD) {
      await cache.set(key, result);
    }
    return c.json(result, 200);
  });

  app.openapi(suggest, async (c) => {
    const { q, limit } = c.req.valid('query');
    return c.json({ items: await autocomplete(deps.db, q, deps.config.POPULAR_WINDOW_HOURS, limit) }, 200);
  });

  app.openapi(popular, async (c) => {
    const { limit } = c.req.valid('query');
    const windowHours = deps.config.POPULAR_WINDOW_HOURS;
    return c.json({ windowHours, items: await popularTerms(deps.db, windowHours, limit) }, 200);
  });
}
