import {
  type App,
  conflict,
  createRoute,
  decodeCursor,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  problems,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { isUuid } from '../domain/categories.ts';
import { approveProduct, rejectProduct } from '../domain/products.ts';
import { detail, listItem } from '../domain/views.ts';
import { idParam, productDetail, productListItem } from './schemas.ts';

const quote = createRoute({
  method: 'post',
  path: '/internal/products/quote',
  summary: 'Prices of order lines, in request order (order calls this through Dapr)',
  request: {
    body: jsonBody(
      z.object({
        items: z
          .array(
            z.object({
              productId: z.string().min(1).max(64),
              sku: z.string().min(1).max(64),
              quantity: z.int().positive(),
            }),
          )
          .min(1)
          .max(100),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            productId: z.string(),
            sku: z.string(),
            sellerId: z.string(),
            name: z.string(),
            optionValues: z.record(z.string(), z.string()),
            unitPrice: z.int(),
          }),
        ),
      }),
      'Each line with its seller and unit price (price + the SKU’s delta, KRW)',
    ),
    ...problems(400, 404, 409),
  },
});

const lookup = createRoute({
  method: 'post',
  path: '/internal/products/lookup',
  summary: 'Products by id (unknown ids are left out)',
  request: { body: jsonBody(z.object({ productIds: z.array(z.string().min(1).max(64)).max(100) })) },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            productId: z.string(),
            sellerId: z.string(),
            name: z.string(),
            price: z.int(),
            brand: z.string().nullable(),
            status: z.string(),
            thumbnailUrl: z.string().nullable(),
          }),
        ),
      }),
      'The products found',
    ),
    ...problems(400),
  },
});

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

/** Contracts 3 and 4, and the admin's review of products, reached only through Dapr. */
export function internalRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;

  app.openapi(quote, async (c) => {
    const { items } = c.req.valid('json');
    const skus = [...new Set(items.map((i) => i.sku))];
    const rows = await db
      .selectFrom('product_skus as s')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select([
        's.sku',
        's.product_id',
        's.option_values',
        's.price_delta',
        's.active',
        'p.seller_id',
        'p.name',
        'p.price',
        'p.status',
      ])
      .where('s.sku', 'in', skus)
      .execute();
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    const missing: { path: string; message: string }[] = [];
    const unavailable: { path: string; message: string }[] = [];
    const quoted = items.map((it, i) => {
      const r = bySku.get(it.sku);
      if (!r || r.product_id !== it.productId) {
        missing.push({
          path: `items.${i}`,
          message: r ? 'the SKU belongs to another product' : 'no such product or SKU',
        });
        return undefined;
      }
      if (r.status !== 'APPROVED' || !r.active) {
        unavailable.push({
          path: `items.${i}`,
          message: !r.active
            ? 'this option is no longer sold'
            : `the product is ${r.status.toLowerCase().replace('_', ' ')}`,
        });
        return undefined;
      }
      return {
        productId: r.product_id,
        sku: r.sku,
        sellerId: r.seller_id,
        name: r.name,
        optionValues: r.option_values,
        unitPrice: r.price + r.price_delta,
      };
    });
    if (missing.length) throw notFound('PRODUCT_NOT_FOUND', 'Some products are unknown', { errors: missing });
    if (unavailable.length)
      throw conflict('PRODUCT_UNAVAILABLE', 'Some products are not on sale', { errors: unavailable });
    return c.json({ items: quoted.filter((q) => q !== undefined) }, 200);
  });

  app.openapi(lookup, async (c) => {
    const ids = [...new Set(c.req.valid('json').productIds.filter(isUuid))];
    if (!ids.length) return c.json({ items: [] }, 200);
    const rows = await db
      .selectFrom('products as p')
      .select(['p.id', 'p.seller_id', 'p.name', 'p.price', 'p.brand', 'p.status'])
      .select(
        sql<
          string | null
        >`(select coalesce(i.thumbnail_url, i.url) from product_images i where i.product_id = p.id and i.position = 0)`.as(
          'thumbnail_url',
        ),
      )
      .where('p.id', 'in', ids)
      .execute();
    return c.json(
      {
        items: rows.map((r) => ({
          productId: r.id,
          sellerId: r.seller_id,
          name: r.name,
          price: r.price,
          brand: r.brand,
          status: r.status,
          thumbnailUrl: r.thumbnail_url,
        })),
      },
      200,
    );
  });

  app.openapi(approve, async (c) => {
    const full = await approveProduct(deps, c.req.valid('param').id, c.req.valid('json').adminId);
    return c.json(await detail(db, full, { forOwner: true }), 200);
  });

  app.openapi(reject, async (c) => {
    const { adminId, reason } = c.req.valid('json');
    const full = await rejectProduct(deps, c.req.valid('param').id, adminId, reason);
    return c.json(await detail(db, full, { forOwner: true }), 200);
  });

  app.openapi(queue, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ t: z.string(), id: z.string() }));
    let query = db
      .selectFrom('products as p')
      .selectAll('p')
      .select(
        sql<
          string | null
        >`(select coalesce(i.thumbnail_url, i.url) from product_images i where i.product_id = p.id and i.position = 0)`.as(
          'thumbnail_url',
        ),
      )
      .where('p.status', '=', q.status);
    if (after)
      query = query.where(sql<boolean>`(p.created_at, p.id) > (${after.t}::timestamptz, ${after.id}::uuid)`);
    const rows = await query
      .orderBy('p.created_at')
      .orderBy('p.id')
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
}
