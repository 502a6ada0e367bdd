import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  pageOf,
  pageQuery,
  problems,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { listRevisions, reviewCounts } from '../domain/revision-views.ts';
import { approveRevision, rejectRevision } from '../domain/revisions.ts';
import { detail, listItem } from '../domain/views.ts';
import { idParam, productDetail, productListItem, productRevision } from './schemas.ts';

const revisionStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']);
const queuedRevision = productRevision
  .extend({ current: z.object({ name: z.string(), price: z.int(), status: z.string() }) })
  .openapi('QueuedProductRevision');

const list = createRoute({
  method: 'get',
  path: '/internal/revisions',
  summary: "Sellers' edits of approved products by status, oldest first: the pending ones wait for review",
  request: { query: pageQuery.extend({ status: revisionStatus.default('PENDING') }) },
  responses: { 200: jsonResponse(pageOf(queuedRevision), 'Revisions'), ...problems(400) },
});

const approve = createRoute({
  method: 'patch',
  path: '/internal/revisions/{id}/approve',
  summary: 'Approve a revision: the product takes it (admin, through the admin service)',
  request: { params: idParam, body: jsonBody(z.object({ adminId: z.string().min(1).max(64) })) },
  responses: { 200: jsonResponse(productDetail, 'The product'), ...problems(400, 404, 409) },
});

const reject = createRoute({
  method: 'patch',
  path: '/internal/revisions/{id}/reject',
  summary: 'Reject a revision with a reason its seller sees; the approved version stays on sale',
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
  path: '/internal/review-queue',
  summary:
    "The review queue for the admin's dashboard: new products and revisions waiting, counted, oldest first",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }) },
  responses: {
    200: jsonResponse(
      z.object({
        products: z.object({ count: z.int(), items: z.array(productListItem) }),
        revisions: z.object({ count: z.int(), items: z.array(queuedRevision) }),
      }),
      'What waits for review',
    ),
    ...problems(400),
  },
});

/** The admin's review of revisions (moderation that holds), reached only through Dapr. */
export function revisionRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;

  app.openapi(list, async (c) => c.json(await listRevisions(db, c.req.valid('query')), 200));

  app.openapi(approve, async (c) => {
    const full = await approveRevision(deps, c.req.valid('param').id, c.req.valid('json').adminId);
    return c.json(await detail(db, full, { forOwner: true }), 200);
  });

  app.openapi(reject, async (c) => {
    const { adminId, reason } = c.req.valid('json');
    const full = await rejectRevision(deps, c.req.valid('param').id, adminId, reason);
    return c.json(await detail(db, full, { forOwner: true }), 200);
  });

  app.openapi(queue, async (c) => {
    const { limit } = c.req.valid('query');
    const [counts, products, revisions] = await Promise.all([
      reviewCounts(db),
      db
        .selectFrom('products as p')
        .selectAll('p')
        .select(
          sql<
            string | null
          >`(select coalesce(i.thumbnail_url, i.url) from product_images i where i.product_id = p.id and i.position = 0)`.as(
            'thumbnail_url',
          ),
        )
        .where('p.status', '=', 'PENDING_REVIEW')
        .orderBy('p.created_at')
        .orderBy('p.id')
        .limit(limit)
        .execute(),
      listRevisions(db, { status: 'PENDING', limit }),
    ]);
    return c.json(
      {
        products: { count: counts.products, items: products.map(listItem) },
        revisions: { count: counts.revisions, items: revisions.items },
      },
      200,
    );
  });
}
