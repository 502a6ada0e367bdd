import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  pageOf,
  pageQuery,
  problems,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { approveProduct, rejectProduct } from '../domain/review.ts';
import { productsByStatus } from '../domain/review-queue.ts';
import { detail } from '../domain/views.ts';
import { idParam, productDetail, productListItem } from './schemas.ts';

const approve = createRoute({
  method: 'patch',
  path: '/internal/products/{id}/approve',
  summary: 'Approve a product (admin, through the admin service)',
  request: { params: idParam, body: jsonBody(z.object({ adminId: z.string().min(1).max(64) })) },
  responses: { 200: jsonResponse(productDetail, 'The product'), ...problems(400, 404, 409, 422) },
});

const reject = createRoute({
  method: 'patch',
  path: '/internal/products/{id}/reject',
  summary: 'Reject a product with a reason (admin, through the admin service)',
  request: {
    params: idParam,
    body: jsonBody(
      z.object({ adminId: z.string().min(1).max(64), reason: z.string().trim().min(1).max(1000) }),
    ),
  },
  responses: { 200: jsonResponse(productDetail, 'The product'), ...problems(400, 404, 409) },
});

const queue = createRoute({
  method: 'get',
  path: '/internal/products',
  summary: 'Products by status, oldest first: the review queue (상품 심사 대기 목록)',
  request: {
    query: pageQuery.extend({
      status: z
        .enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'DELETED', 'SUSPENDED'])
        .default('PENDING_REVIEW'),
    }),
  },
  responses: { 200: jsonResponse(pageOf(productListItem), 'Products'), ...problems(400) },
});

/** The admin's review of products (상품 심사), through the admin service. */
export function moderationRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;
  app.openapi(approve, async (c) => {
    const full = await approveProduct(deps, c.req.valid('param').id, c.req.valid('json').adminId);
    return c.json(await detail(db, full, { forOwner: true }), 200);
  });

  app.openapi(reject, async (c) => {
    const { adminId, reason } = c.req.valid('json');
    const full = await rejectProduct(deps, c.req.valid('param').id, adminId, reason);
    return c.json(await detail(db, full, { forOwner: true }), 200);
  });

  app.openapi(queue, async (c) => c.json(await productsByStatus(db, c.req.valid('query')), 200));
}
