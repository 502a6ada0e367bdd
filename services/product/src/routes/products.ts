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
  timeIdCursor,
  z,
} from '@mp/platform';
import type { ProductConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { createProduct } from '../domain/create.ts';
import { deleteProduct, updateProduct } from '../domain/edit.ts';
import { listProducts, sorts } from '../domain/listing.ts';
import { latestRevision } from '../domain/revision-views.ts';
import { loadProduct } from '../domain/state.ts';
import { detail, listItem, recordView } from '../domain/views.ts';
import { createProductBody, idParam, productDetail, productListItem, updateProductBody } from './schemas.ts';

const create = createRoute({
  method: 'post',
  path: '/api/v1/products',
  summary: 'Register a product (verified sellers); it waits for review as PENDING_REVIEW',
  middleware: [requireRole('seller')],
  request: { body: jsonBody(createProductBody) },
  responses: { 201: jsonResponse(productDetail, 'The new product'), ...problems(400, 401, 403, 409, 422) },
});

const won = z.coerce.number().int().min(0).max(1_000_000_000);
const list = createRoute({
  method: 'get',
  path: '/api/v1/products',
  summary: 'Products on sale, filtered and sorted, a keyset page at a time',
  request: {
    query: pageQuery.extend({
      categoryId: z.string().max(64).optional(),
      minPrice: won.optional(),
      maxPrice: won.optional(),
      brand: z.string().max(100).optional(),
      sellerId: z.string().max(64).optional(),
      sort: z.enum(sorts).default('latest'),
    }),
  },
  responses: { 200: jsonResponse(pageOf(productListItem), 'Products'), ...problems(400) },
});

const mine = createRoute({
  method: 'get',
  path: '/api/v1/products/mine',
  summary: 'My products in every status, newest first (sellers)',
  middleware: [requireRole('seller')],
  request: {
    query: pageQuery.extend({
      status: z.enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'SUSPENDED']).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(productListItem), 'Products'), ...problems(400, 401, 403) },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/products/{id}',
  summary: 'A product page; a signed-in viewer gets it in their recent views',
  request: { params: idParam },
  responses: { 200: jsonResponse(productDetail, 'The product'), ...problems(404) },
});

const update = createRoute({
  method: 'patch',
  path: '/api/v1/products/{id}',
  summary:
    "Change a product (its seller or an admin); options are given whole. A seller's change to an approved product's name, description, price, images or option prices waits for review (`revision`) while the approved version stays on sale",
  middleware: [requireRole('seller', 'admin')],
  request: { params: idParam, body: jsonBody(updateProductBody) },
  responses: { 200: jsonResponse(productDetail, 'The product'), ...problems(400, 401, 403, 404, 409, 422) },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/products/{id}',
  summary: 'Delete a product (its seller or an admin)',
  middleware: [requireRole('seller', 'admin')],
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...problems(401, 403, 404) },
});

export function productRoutes(app: App, deps: ServiceDeps<Database, ProductConfig>) {
  const { db } = deps;

  // A registration sent again with the same Idempotency-Key answers the first one (no duplicate product).
  const onceByKey = idempotent(db, 'products.create');
  app.post('/api/v1/products', onceByKey);

  app.openapi(create, async (c) => {
    const full = await createProduct(deps, principalOf(c).userId, c.req.valid('json'));
    return c.json(await detail(db, full, { forOwner: true }), 201);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = await listProducts(db, q);
    return c.json({ items: page.items.map(listItem), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(mine, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, timeIdCursor);
    let query = db
      .selectFrom('products as p')
      .selectAll('p')
      .select((eb) =>
        eb
          .selectFrom('product_images as i')
          .select((e) => e.fn.coalesce('i.thumbnail_url', 'i.url').as('u'))
          .whereRef('i.product_id', '=', 'p.id')
          .where('i.position', '=', 0)
          .as('thumbnail_url'),
      )
      .where('p.seller_id', '=', p.userId)
      .where('p.status', '!=', 'DELETED');
    if (q.status) query = query.where('p.status', '=', q.status);
    if (after)
      query = query.where((eb) =>
        eb(eb.refTuple('p.created_at', 'p.id'), '<', eb.tuple(new Date(after.t), after.id)),
      );
    const rows = await query
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
      t: last.created_at.toISOString(),
      id: last.id,
    }));
    return c.json(
      {
        items: page.map(listItem),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const who = c.get('principal');
    const full = await loadProduct(db, id);
    const owner = !!who && !!full && (who.role === 'admin' || full.product.seller_id === who.userId);
    if (!full || full.product.status === 'DELETED' || (full.product.status !== 'APPROVED' && !owner)) {
      throw notFound('PRODUCT_NOT_FOUND', 'No such product');
    }
    if (who && full.product.status === 'APPROVED') {
      const keep = deps.config.RECENT_VIEWS_MAX_ITEMS;
      const counted = await recordView(deps, who.userId, full.product, keep).catch((err) => {
        deps.log.warn({ err, productId: id }, 'view not recorded');
        return false;
      });
      if (counted) full.product.view_count++;
    }
    const revision = owner ? { revision: await latestRevision(db, id) } : {};
    return c.json({ ...(await detail(db, full, { forOwner: owner })), ...revision }, 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const full = await updateProduct(deps, principalOf(c), id, c.req.valid('json'));
    return c.json(
      { ...(await detail(db, full, { forOwner: true })), revision: await latestRevision(db, id) },
      200,
    );
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    await deleteProduct(deps, principalOf(c), id);
    return c.body(null, 204);
  });
}
