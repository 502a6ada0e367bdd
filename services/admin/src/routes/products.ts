import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** Product as the product service answers it; the admin service passes it through. */
const product = z.record(z.string(), z.unknown()).openapi('AdminProduct');
const idParam = z.object({ id: z.string().min(1).max(64) });
const adminOnly = [requireRole('admin')];

const queue = createRoute({
  method: 'get',
  path: '/api/v1/admin/products',
  summary: 'Products by status, oldest first: the review queue (상품 심사 대기 목록) by default',
  middleware: adminOnly,
  request: {
    query: pageQuery.extend({
      status: z
        .enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'DELETED', 'SUSPENDED'])
        .default('PENDING_REVIEW'),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(product), nextCursor: z.string().nullable() }), 'Products'),
    ...problems(400, 401, 403, 503),
  },
});
const approve = createRoute({
  method: 'patch',
  path: '/api/v1/admin/products/{id}/approve',
  summary: 'Approve a product: it goes on sale',
  middleware: adminOnly,
  request: { params: idParam },
  responses: { 200: jsonResponse(product, 'The product'), ...problems(401, 403, 404, 409, 503) },
});
const reject = createRoute({
  method: 'patch',
  path: '/api/v1/admin/products/{id}/reject',
  summary: 'Reject (반려) a product with a reason its seller sees',
  middleware: adminOnly,
  request: { params: idParam, body: jsonBody(z.object({ reason: z.string().trim().min(1).max(1000) })) },
  responses: { 200: jsonResponse(product, 'The product'), ...problems(400, 401, 403, 404, 409, 503) },
});

const revision = z.record(z.string(), z.unknown()).openapi('AdminProductRevision');
const revisions = createRoute({
  method: 'get',
  path: '/api/v1/admin/product-revisions',
  summary:
    "Sellers' edits of approved products by status, oldest first: by default the pending ones, held for review while the approved version sells",
  middleware: adminOnly,
  request: {
    query: pageQuery.extend({
      status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']).default('PENDING'),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(revision), nextCursor: z.string().nullable() }), 'Revisions'),
    ...problems(400, 401, 403, 503),
  },
});
const approveRevision = createRoute({
  method: 'patch',
  path: '/api/v1/admin/product-revisions/{id}/approve',
  summary: 'Approve an edit: the product takes it (product.updated)',
  middleware: adminOnly,
  request: { params: idParam },
  responses: { 200: jsonResponse(product, 'The product'), ...problems(401, 403, 404, 409, 503) },
});
const rejectRevision = createRoute({
  method: 'patch',
  path: '/api/v1/admin/product-revisions/{id}/reject',
  summary: 'Reject (반려) an edit with a reason its seller sees; the approved version stays on sale',
  middleware: adminOnly,
  request: { params: idParam, body: jsonBody(z.object({ reason: z.string().trim().min(1).max(1000) })) },
  responses: { 200: jsonResponse(product, 'The product'), ...problems(400, 401, 403, 404, 409, 503) },
});

/** 상품 심사: admin's product routes, forwarded to product through Dapr. */
export function productRoutes(app: App, { dapr }: ServiceDeps<Database>) {
  app.openapi(queue, async (c) => {
    const { status, limit, cursor } = c.req.valid('query');
    return c.json(await dapr.call('product.products.list', { query: { status, limit, cursor } }), 200);
  });

  app.openapi(approve, async (c) => {
    const body = { adminId: principalOf(c).userId };
    return c.json(await dapr.call('product.products.approve', { params: c.req.valid('param'), body }), 200);
  });

  app.openapi(reject, async (c) => {
    const body = { adminId: principalOf(c).userId, reason: c.req.valid('json').reason };
    return c.json(await dapr.call('product.products.reject', { params: c.req.valid('param'), body }), 200);
  });

  app.openapi(revisions, async (c) => {
    const { status, limit, cursor } = c.req.valid('query');
    return c.json(await dapr.call('product.revisions.list', { query: { status, limit, cursor } }), 200);
  });

  app.openapi(approveRevision, async (c) => {
    const body = { adminId: principalOf(c).userId };
    return c.json(await dapr.call('product.revisions.approve', { params: c.req.valid('param'), body }), 200);
  });

  app.openapi(rejectRevision, async (c) => {
    const body = { adminId: principalOf(c).userId, reason: c.req.valid('json').reason };
    return c.json(await dapr.call('product.revisions.reject', { params: c.req.valid('param'), body }), 200);
  });
}
