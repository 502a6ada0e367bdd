import { decodeCursor, type Kysely, keysetPage, sql, validationFailed, z } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { findCategory } from './categories.ts';
import type { ProductRow } from './state.ts';

export const sorts = ['latest', 'price_asc', 'price_desc', 'popular'] as const;
export type Sort = (typeof sorts)[number];

export interface ListQuery {
  categoryId?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  brand?: string | undefined;
  sellerId?: string | undefined;
  sort: Sort;
  cursor?: string | undefined;
  limit: number;
}

const position = z.object({ s: z.enum(sorts), k: z.union([z.string(), z.number()]), id: z.string() });

/** Each order is a keyset on (key, id): a page starts after the last row of the previous one, by value. */
const orders: Record<Sort, { key: 'created_at' | 'price' | 'popularity'; dir: 'asc' | 'desc' }> = {
  latest: { key: 'created_at', dir: 'desc' },
  price_asc: { key: 'price', dir: 'asc' },
  price_desc: { key: 'price', dir: 'desc' },
  popular: { key: 'popularity', dir: 'desc' },
};

/** A product's first image's thumbnail (or the image), as `thumbnail_url` of `products as p`. */
export const thumbnailColumn = sql<
  string | null
>`(select coalesce(i.thumbnail_url, i.url) from product_images i
  where i.product_id = p.id and i.position = 0)`.as('thumbnail_url');

export type ListedProduct = ProductRow & { thumbnail_url: string | null };

/**
 * Approved products, filtered by category subtree, price range, brand or seller, in one of the
 * keyset orders. The cursor holds the last row's sort key and id, so rows added, removed or
 * re-priced meanwhile never make a page repeat or skip the rows that did not change.
 */
export async function listProducts(db: Kysely<Database>, q: ListQuery) {
  const order = orders[q.sort];
  const after = decodeCursor(q.cursor, position);
  if (after && after.s !== q.sort) {
    throw validationFailed([{ path: 'cursor', message: `a cursor of the ${after.s} order, not ${q.sort}` }]);
  }
  let query = db
    .selectFrom('products as p')
    .selectAll('p')
    .select(thumbnailColumn)
    .where('p.status', '=', 'APPROVED');
  if (q.categoryId) {
    const category = await findCategory(db, q.categoryId);
    if (!category) return { items: [], nextCursor: null };
    query = query.where('p.category_id', 'in', (eb) =>
      eb.selectFrom('categories').select('id').where('path', 'like', `${category.path}%`),
    );
  }
  if (q.minPrice !== undefined) query = query.where('p.price', '>=', q.minPrice);
  if (q.maxPrice !== undefined) query = query.where('p.price', '<=', q.maxPrice);
  if (q.brand) query = query.where(sql`lower(p.brand)`, '=', q.brand.toLowerCase());
  if (q.sellerId) query = query.where('p.seller_id', '=', q.sellerId);
  if (after) {
    const key =
      order.key === 'created_at' ? sql`${String(after.k)}::timestamptz` : sql`${Number(after.k)}::int`;
    const cmp = order.dir === 'desc' ? sql`<` : sql`>`;
    query = query.where(
      sql<boolean>`(${sql.ref(`p.${order.key}`)}, p.id) ${cmp} (${key}, ${after.id}::uuid)`,
    );
  }
  const rows = (await query
    .orderBy(`p.${order.key}`, order.dir)
    .orderBy('p.id', order.dir)
    .limit(q.limit + 1)
    .execute()) as ListedProduct[];
  const keyOf = (r: ListedProduct) =>
    order.key === 'created_at' ? r.created_at.toISOString() : r[order.key];
  const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
    s: q.sort,
    k: keyOf(last),
    id: last.id,
  }));
  return {
    items: page,
    nextCursor,
  };
}
