import { decodeCursor, type Kysely, keysetPage, sql, timeIdCursor, validationFailed, z } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { type ReviewRow, reviewView } from './reviews.ts';

/** The orders a product's reviews are listed in. */
export const sorts = ['latest', 'rating', 'helpful'] as const;
export type Sort = (typeof sorts)[number];

const position = timeIdCursor.extend({ s: z.enum(sorts), k: z.int() });

/** A product's active reviews in one of the sorts, a keyset page at a time. */
export async function listReviews(
  db: Kysely<Database>,
  q: {
    productId: string;
    sort: Sort;
    rating?: number | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
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
  return { items: page.map(reviewView), nextCursor };
}

/** 베스트 리뷰: the most helpful reviews, photos and detail counting too. */
export async function bestReviews(db: Kysely<Database>, productId: string, limit: number) {
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
  return { items: rows.map(reviewView) };
}

/** A buyer's delivered items not reviewed yet (작성 가능한 리뷰), newest delivery first. */
export async function eligibleItems(db: Kysely<Database>, userId: string) {
  const rows = await db
    .selectFrom('reviewable_items as i')
    .leftJoin('reviews as r', (j) =>
      j.onRef('r.order_id', '=', 'i.order_id').onRef('r.item_id', '=', 'i.item_id'),
    )
    .select(['i.order_id', 'i.item_id', 'i.product_id', 'i.sku', 'i.delivered_at'])
    .where('i.user_id', '=', userId)
    .where('r.id', 'is', null)
    .orderBy('i.delivered_at', 'desc')
    .limit(100)
    .execute();
  return {
    items: rows.map((r) => ({
      orderId: r.order_id,
      itemId: r.item_id,
      productId: r.product_id,
      sku: r.sku,
      deliveredAt: r.delivered_at.toISOString(),
    })),
  };
}

/** A user's active reviews, newest first, a keyset page at a time. */
export async function myReviews(
  db: Kysely<Database>,
  userId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, timeIdCursor);
  let query = db
    .selectFrom('reviews')
    .selectAll()
    .where('user_id', '=', userId)
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
  return {
    items: page.map(reviewView),
    nextCursor,
  };
}
