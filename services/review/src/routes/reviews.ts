import {
  type App,
  createRoute,
  idempotent,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { resolveImages } from '../domain/images.ts';
import { createReview, deleteReview, findReview, reviewView, updateReview } from '../domain/reviews.ts';
import { buyer, content, id, idParam, imageFileIds, rating, review, signedIn } from './schemas.ts';

const create = createRoute({
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
});
const get = createRoute({
  method: 'get',
  path: '/api/v1/reviews/{id}',
  summary: 'A review',
  request: { params: idParam },
  responses: { 200: jsonResponse(review, 'The review'), ...problems(404) },
});
const update = createRoute({
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
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/reviews/{id}',
  summary: 'Delete my review (or, as an admin, anyone’s)',
  middleware: signedIn,
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...problems(401, 404) },
});

/** Writing, reading, editing and deleting one review. */
export function reviewRoutes(app: App, { db, dapr, events }: ServiceDeps<Database>): void {
  app.post('/api/v1/reviews', idempotent(db, 'reviews.create'));
  app.openapi(create, async (c) => {
    const userId = principalOf(c).userId;
    const body = c.req.valid('json');
    const images = await resolveImages(dapr, userId, body.imageFileIds ?? []);
    return c.json(reviewView(await createReview(db, events, userId, body, images)), 201);
  });

  app.openapi(get, async (c) => {
    const r = await findReview(db, c.req.valid('param').id);
    if (!r) throw notFound('REVIEW_NOT_FOUND', 'No such review');
    return c.json(reviewView(r), 200);
  });

  app.openapi(update, async (c) => {
    const who = principalOf(c);
    const body = c.req.valid('json');
    const images = body.imageFileIds ? await resolveImages(dapr, who.userId, body.imageFileIds) : undefined;
    const row = await updateReview(db, events, who, c.req.valid('param').id, { ...body, images });
    return c.json(reviewView(row), 200);
  });

  app.openapi(remove, async (c) => {
    await deleteReview(db, events, principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
