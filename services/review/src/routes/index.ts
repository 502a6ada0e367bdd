import {
  type App,
  createRoute,
  decodeCursor,
  idempotent,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  sql,
  validationFailed,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { resolveImages } from '../domain/images.ts';
import {
  createReview,
  deleteReview,
  findReview,
  type ReviewRow,
  reviewView,
  summaryOf,
  updateReview,
  voteHelpful,
} from '../domain/reviews.ts';

const review = z
  .object({
    id: z.string(),
    productId: z.string(),
    userId: z.string(),
    orderId: z.string(),
    itemId: z.string(),
    sku: z.string(),
    rating: z.int(),
    content: z.string(),
    images: z.array(z.object({ fileId: z.string(), url: z.string(), thumbnailUrl: z.string() })),
    helpfulCount: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Review');
const rating = z.int().min(1).max(5);
const content = z.string().trim().min(10, 'at least 10 characters').max(2000);
const imageFileIds = z.array(z.string().min(1).max(64)).max(5);
const id = z.string().min(1).max(64);
const idParam = z.object({ id });
const productQuery = z.object({ productId: id });
const buyer = [requireRole('buyer')];
const signedIn = [requireRole()];
const sorts = ['latest', 'rating', 'helpful'] as const;

const routesDef = {
  create: createRoute({
    method: 'post',
    path: '/api/v1/reviews',
    summary: 'Review a delivered order item (its buyer only, once)',
    middleware: buyer,
    request: {
      body: jsonBody(
        z.object({
          orderId: id,
          productId: id,
          itemId: id.optional(),
          rating,
          content,
          imageFileIds: imageFileIds.optional(),
        }),
      ),
    },
    responses: { 201: jsonResponse(review, 'The review'), ...problems(400, 401, 403, 409, 422) },
  }),
  list: createRoute({
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
  }),
  summary: createRoute({
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
  }),
  best: createRoute({
    method: 'get',
    path: '/api/v1/reviews/best',
    summary: '베스트 리뷰: the most helpful reviews, photos and detail counting too',
    request: { query: productQuery.extend({ limit: z.coerce.number().int().min(1).max(20).default(5) }) },
    responses: { 200: jsonResponse(z.object({ items: z.array(review) }), 'Best reviews'), ...problems(400) },
  }),
  eligible: createRoute({
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
  }),
  mine: createRoute({
    method: 'get',
    path: '/api/v1/reviews/mine',
    summary: 'My reviews, newest first',
    middleware: signedIn,
    request: { query: pageQuery },
    responses: { 200: jsonResponse(pageOf(review), 'Reviews'), ...problems(400, 401) },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/v1/reviews/{id}',
    summary: 'A review',
    request: { params: idParam },
    responses: { 200: jsonResponse(review, 'The review'), ...problems(404) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/api/v1/reviews/{id}',
    summary: 'Edit my review',
    middleware: signedIn,
    request: {
      params: idParam,
      body: jsonBody(
        z.object({
          rating: rating.optional(),
          content: content.optional(),
          imageFileIds: imageFileIds.optional(),
        }),
      ),
    },
    responses: { 200: jsonResponse(review, 'The review'), ...problems(400, 401, 404, 422) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/v1/reviews/{id}',
    summary: 'Delete my review (or, as an admin, anyone’s)',
    middleware: signedIn,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problems(401, 404) },
  }),
  helpful: createRoute({
    method: 'post',
    path: '/api/v1/reviews/{id}/helpful',
    summary: '도움돼요: one vote per user',
    middleware: signedIn,
    request: { params: idParam },
    responses: {
      200: jsonResponse(
        z.object({ reviewId: z.string(), helpfulCount: z.int(), voted: z.boolean() }),
        'The vote',
      ),
      ...problems(401, 404, 409),
    },
  }),
  unhelpful: createRoute({
    method: 'delete',
    path: '/api/v1/reviews/{id}/helpful',
    summary: 'Take my 도움돼요 vote back',
    middleware: signedIn,
    request: { params: idParam },
    responses: {
      200: jsonResponse(
        z.object({ reviewId: z.string(), helpfulCount: z.int(), voted: z.boolean() }),
        'The vote',
      ),
      ...problems(401, 404, 409),
    },
  }),
};

const position = z.object({ s: z.enum(sorts), k: z.int(), t: z.string(), id: z.string() });

/** The public routes of the review service. */
export function routes(app: App, { db, dapr, events }: ServiceDeps<Database>): void {
  const onceByKey = idempotent(db, 'reviews.create');
  app.post('/api/v1/reviews', onceByKey);

  app.openapi(routesDef.create, async (c) => {
    const userId = principalOf(c).userId;
    const body = c.req.valid('json');
    const images = await resolveImages(dapr, userId, body.imageFileIds ?? []);
    return c.json(reviewView(await createReview(db, events, userId, body, images)), 201);
  });

  app.openapi(routesDef.list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, position);
    if (after && after.s !== q.sort)
      throw validationFailed([{ path: 'cursor', message: `a cursor of the ${after.s} order` }]);
    const key =
      q.sort === 'rating' ? sql.ref('rating') : q.sort === 'helpful' ? sql.ref('helpful_count') : sql`0`;
    let query = db
      .selectFrom('reviews')
      .selectAll()
      .where('product_id', '=', q.productId)
      .where('status', '=', 'ACTIVE');
    if (q.rating) query = query.where('rating', '=', q.rating);
    if (after)
      query = query.where(
        sql<boolean>`(${key}, created_at, id) < (${after.k}::int, ${after.t}::timestamptz, ${after.id}::uuid)`,
      );
    if (q.sort === 'rating') query = query.orderBy('rating', 'desc');
    if (q.sort === 'helpful') query = query.orderBy('helpful_count', 'desc');
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const keyOf = (r: ReviewRow) =>
      q.sort === 'rating' ? r.rating : q.sort === 'helpful' ? r.helpful_count : 0;
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
      s: q.sort,
      k: keyOf(last),
      t: last.created_at.toISOString(),
      id: last.id,
    }));
    return c.json(
      {
        items: page.map(reviewView),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(routesDef.summary, async (c) =>
    c.json(await summaryOf(db, c.req.valid('query').productId), 200),
  );

  app.openapi(routesDef.best, async (c) => {
    const { productId, limit } = c.req.valid('query');
    const score = sql<number>`helpful_count * 3 + (case when jsonb_array_length(images) > 0 then 2 else 0 end)
      + (case when char_length(content) >= 100 then 1 else 0 end)`;
    const rows = await db
      .selectFrom('reviews')
      .selectAll()
      .where('product_id', '=', productId)
      .where('status', '=', 'ACTIVE')
      .where('helpful_count', '>', 0)
      .orderBy(score, 'desc')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return c.json({ items: rows.map(reviewView) }, 200);
  });

  app.openapi(routesDef.eligible, async (c) => {
    const rows = await db
      .selectFrom('reviewable_items as i')
      .leftJoin('reviews as r', (j) =>
        j.onRef('r.order_id', '=', 'i.order_id').onRef('r.item_id', '=', 'i.item_id'),
      )
      .select(['i.order_id', 'i.item_id', 'i.product_id', 'i.sku', 'i.delivered_at'])
      .where('i.user_id', '=', principalOf(c).userId)
      .where('r.id', 'is', null)
      .orderBy('i.delivered_at', 'desc')
      .limit(100)
      .execute();
    return c.json(
      {
        items: rows.map((r) => ({
          orderId: r.order_id,
          itemId: r.item_id,
          productId: r.product_id,
          sku: r.sku,
          deliveredAt: r.delivered_at.toISOString(),
        })),
      },
      200,
    );
  });

  app.openapi(routesDef.mine, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ t: z.string(), id: z.string() }));
    let query = db
      .selectFrom('reviews')
      .selectAll()
      .where('user_id', '=', principalOf(c).userId)
      .where('status', '=', 'ACTIVE');
    if (after)
      query = query.where(sql<boolean>`(created_at, id) < (${after.t}::timestamptz, ${after.id}::uuid)`);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
      t: last.created_at.toISOString(),
      id: last.id,
    }));
    return c.json(
      {
        items: page.map(reviewView),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(routesDef.get, async (c) => {
    const r = await findReview(db, c.req.valid('param').id);
    if (!r) throw notFound('REVIEW_NOT_FOUND', 'No such review');
    return c.json(reviewView(r), 200);
  });

  app.openapi(routesDef.update, async (c) => {
    const who = principalOf(c);
    const body = c.req.valid('json');
    const images = body.imageFileIds ? await resolveImages(dapr, who.userId, body.imageFileIds) : undefined;
    const row = await updateReview(db, events, who, c.req.valid('param').id, { ...body, images });
    return c.json(reviewView(row), 200);
  });

  app.openapi(routesDef.remove, async (c) => {
    await deleteReview(db, events, principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });

  app.openapi(routesDef.helpful, async (c) =>
    c.json(await voteHelpful(db, principalOf(c), c.req.valid('param').id, true), 200),
  );
  app.openapi(routesDef.unhelpful, async (c) =>
    c.json(await voteHelpful(db, principalOf(c), c.req.valid('param').id, false), 200),
  );
}
