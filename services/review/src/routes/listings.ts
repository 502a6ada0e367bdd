import {
  type App,
  createRoute,
  jsonResponse,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { bestReviews, eligibleItems, listReviews, myReviews, sorts } from '../domain/listings.ts';
import { summaryOf } from '../domain/reviews.ts';
import { buyer, id, productQuery, review, signedIn } from './schemas.ts';

const list = createRoute({
  method: 'get',
  path: '/api/v1/reviews',
  summary: "A product's reviews: newest, highest rated or most helpful first",
  request: {
    query: pageQuery.extend({
      productId: id,
      sort: z.enum(sorts).default('latest'),
      rating: z.coerce.number().int().min(1).max(5).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(review), 'Reviews'), ...problems(400) },
});
const summary = createRoute({
  method: 'get',
  path: '/api/v1/reviews/summary',
  summary: "A product's rating: average, count and distribution",
  request: { query: productQuery },
  responses: {
    200: jsonResponse(
      z.object({
        productId: z.string(),
        average: z.number(),
        count: z.int(),
        distribution: z.record(z.enum(['1', '2', '3', '4', '5']), z.int()),
      }),
      'The summary',
    ),
    ...problems(400),
  },
});
const best = createRoute({
  method: 'get',
  path: '/api/v1/reviews/best',
  summary: '베스트 리뷰: the most helpful reviews, photos and detail counting too',
  request: { query: productQuery.extend({ limit: z.coerce.number().int().min(1).max(20).default(5) }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(review) }), 'Best reviews'), ...problems(400) },
});
const eligible = createRoute({
  method: 'get',
  path: '/api/v1/reviews/eligible',
  summary: 'My delivered items not reviewed yet (작성 가능한 리뷰)',
  middleware: buyer,
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            orderId: z.string(),
            itemId: z.string(),
            productId: z.string(),
            sku: z.string(),
            deliveredAt: z.string(),
          }),
        ),
      }),
      'Items',
    ),
    ...problems(401, 403),
  },
});
const mine = createRoute({
  method: 'get',
  path: '/api/v1/reviews/mine',
  summary: 'My reviews, newest first',
  middleware: signedIn,
  request: { query: pageQuery },
  responses: { 200: jsonResponse(pageOf(review), 'Reviews'), ...problems(400, 401) },
});

/** Lists of reviews: a product's, its rating, its best, mine and what I may still review. */
export function listingRoutes(app: App, { db }: ServiceDeps<Database>): void {
  app.openapi(list, async (c) => c.json(await listReviews(db, c.req.valid('query')), 200));
  app.openapi(summary, async (c) => c.json(await summaryOf(db, c.req.valid('query').productId), 200));
  app.openapi(best, async (c) => {
    const { productId, limit } = c.req.valid('query');
    return c.json(await bestReviews(db, productId, limit), 200);
  });
  app.openapi(eligible, async (c) => c.json(await eligibleItems(db, principalOf(c).userId), 200));
  app.openapi(mine, async (c) =>
    c.json(await myReviews(db, principalOf(c).userId, c.req.valid('query')), 200),
  );
}
