import {
  conflict,
  type EventPublisher,
  forbidden,
  isId,
  jsonb,
  type Kysely,
  newId,
  notFound,
  type Principal,
  publishOptions,
  type Selectable,
  sql,
  type Transaction,
} from '@mp/platform';
import type { Database, ReviewImage, ReviewsTable } from '../db/schema.ts';

export type ReviewRow = Selectable<ReviewsTable>;
type Db = Kysely<Database> | Transaction<Database>;
const column = (rating: number) => sql.ref(`r${rating}`);

/**
 * Moves a product's summary by one review in one atomic statement: concurrent reviews of the
 * same product serialize on the summary row and never lose a count.
 */
async function moveSummary(trx: Transaction<Database>, productId: string, add?: number, remove?: number) {
  const count = (add ? 1 : 0) - (remove ? 1 : 0);
  const sum = (add ?? 0) - (remove ?? 0);
  const sets = [sql`count = s.count + ${count}`, sql`sum = s.sum + ${sum}`];
  if (add) sets.push(sql`${column(add)} = s.${column(add)} + 1`);
  if (remove) sets.push(sql`${column(remove)} = s.${column(remove)} - 1`);
  if (remove) {
    // An edit or a deletion: the review was counted, so the row is there.
    await sql`update rating_summaries s set ${sql.join(sets, sql`, `)} where s.product_id = ${productId}`.execute(
      trx,
    );
    return;
  }
  await sql`
    insert into rating_summaries as s (product_id, count, sum, ${column(add!)}) values (${productId}, 1, ${add}, 1)
    on conflict (product_id) do update set ${sql.join(sets, sql`, `)}`.execute(trx);
}

export const reviewView = (r: ReviewRow) => ({
  id: r.id,
  productId: r.product_id,
  userId: r.user_id,
  orderId: r.order_id,
  itemId: r.item_id,
  sku: r.sku,
  rating: r.rating,
  content: r.content,
  images: r.images,
  helpfulCount: r.helpful_count,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function findReview(db: Db, id: string, lock = false) {
  if (!isId(id)) return undefined;
  let q = db.selectFrom('reviews').selectAll().where('id', '=', id).where('status', '=', 'ACTIVE');
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The review if the caller wrote it (or, for removal, is an admin); anyone else sees nothing. */
async function ownReview(trx: Transaction<Database>, who: Principal, id: string, adminMay: boolean) {
  const r = await findReview(trx, id, true);
  if (!r || (r.user_id !== who.userId && !(adminMay && who.role === 'admin')))
    throw notFound('REVIEW_NOT_FOUND', 'No such review');
  return r;
}

export interface NewReview {
  orderId: string;
  productId: string;
  itemId?: string | undefined;
  rating: number;
  content: string;
}

/**
 * Only the buyer of a delivered order item may review it, once (eligibility from
 * shipping.delivered). The review, the summary and review.created commit together.
 */
export async function createReview(
  db: Kysely<Database>,
  events: EventPublisher,
  userId: string,
  input: NewReview,
  images: ReviewImage[],
) {
  try {
    return await db.transaction().execute(async (trx) => {
      // The buyer's items of this product in the order are locked first, so two requests at once
      // take turns; the next statement then sees the reviews the other one committed, and picks
      // the item still free instead of colliding on the same one.
      await trx
        .selectFrom('reviewable_items')
        .select('item_id')
        .where('order_id', '=', input.orderId)
        .where('product_id', '=', input.productId)
        .where('user_id', '=', userId)
        .forUpdate()
        .execute();
      let items = trx
        .selectFrom('reviewable_items as i')
        .leftJoin('reviews as r', (j) =>
          j.onRef('r.order_id', '=', 'i.order_id').onRef('r.item_id', '=', 'i.item_id'),
        )
        .select(['i.item_id', 'i.sku', 'r.id as review_id'])
        .where('i.order_id', '=', input.orderId)
        .where('i.product_id', '=', input.productId)
        .where('i.user_id', '=', userId)
        .orderBy('i.item_id');
      if (input.itemId) items = items.where('i.item_id', '=', input.itemId);
      const eligible = await items.execute();
      if (!eligible.length)
        throw forbidden('REVIEW_NOT_ALLOWED', 'Only the buyer of a delivered order item may review it');
      const item = eligible.find((i) => !i.review_id);
      if (!item) throw conflict('REVIEW_EXISTS', 'This order item has been reviewed already');
      const now = new Date();
      const review = await trx
        .insertInto('reviews')
        .values({
          id: newId(),
          product_id: input.productId,
          user_id: userId,
          order_id: input.orderId,
          item_id: item.item_id,
          sku: item.sku,
          rating: input.rating,
          content: input.content,
          images: jsonb(images),
          status: 'ACTIVE',
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await moveSummary(trx, input.productId, input.rating);
      await events.publish(
        trx,
        'review.created',
        {
          reviewId: review.id,
          productId: review.product_id,
          userId,
          orderId: review.order_id,
          rating: review.rating,
          createdAt: now.toISOString(),
        },
        publishOptions('reviews', review.product_id),
      );
      return review;
    });
  } catch (err) {
    // Two requests for the same item at once: the unique constraint lets one through.
    if ((err as { code?: string }).code === '23505')
      throw conflict('REVIEW_EXISTS', 'This order item has been reviewed already');
    throw err;
  }
}

export async function updateReview(
  db: Kysely<Database>,
  events: EventPublisher,
  who: Principal,
  id: string,
  change: { rating?: number | undefined; content?: string | undefined; images?: ReviewImage[] | undefined },
) {
  return db.transaction().execute(async (trx) => {
    const r = await ownReview(trx, who, id, false);
    const updatedAt = new Date();
    const row = await trx
      .updateTable('reviews')
      .set({
        ...(change.rating !== undefined ? { rating: change.rating } : {}),
        ...(change.content !== undefined ? { content: change.content } : {}),
        ...(change.images ? { images: jsonb(change.images) } : {}),
        updated_at: updatedAt,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.rating !== r.rating) await moveSummary(trx, r.product_id, row.rating, r.rating);
    await events.publish(
      trx,
      'review.updated',
      {
        reviewId: id,
        productId: r.product_id,
        userId: r.user_id,
        rating: row.rating,
        updatedAt: updatedAt.toISOString(),
      },
      publishOptions('reviews', r.product_id),
    );
    return row;
  });
}

export async function deleteReview(db: Kysely<Database>, events: EventPublisher, who: Principal, id: string) {
  await db.transaction().execute(async (trx) => {
    const r = await ownReview(trx, who, id, true);
    const deletedAt = new Date();
    await trx
      .updateTable('reviews')
      .set({ status: 'DELETED', deleted_at: deletedAt })
      .where('id', '=', id)
      .execute();
    await moveSummary(trx, r.product_id, undefined, r.rating);
    await events.publish(
      trx,
      'review.deleted',
      { reviewId: id, productId: r.product_id, userId: r.user_id, deletedAt: deletedAt.toISOString() },
      publishOptions('reviews', r.product_id),
    );
  });
}

/** 도움돼요: one vote per user and review, never on one's own; voting twice changes nothing. */
export async function voteHelpful(db: Kysely<Database>, who: Principal, id: string, on: boolean) {
  return db.transaction().execute(async (trx) => {
    const r = await findReview(trx, id);
    if (!r) throw notFound('REVIEW_NOT_FOUND', 'No such review');
    if (r.user_id === who.userId) throw conflict('OWN_REVIEW', 'You cannot vote for your own review');
    const changed = on
      ? await trx
          .insertInto('helpful_votes')
          .values({ review_id: id, user_id: who.userId })
          .onConflict((oc) => oc.doNothing())
          .returning('review_id')
          .executeTakeFirst()
      : await trx
          .deleteFrom('helpful_votes')
          .where('review_id', '=', id)
          .where('user_id', '=', who.userId)
          .returning('review_id')
          .executeTakeFirst();
    let count = r.helpful_count;
    if (changed) {
      const row = await trx
        .updateTable('reviews')
        .set((eb) => ({ helpful_count: eb('helpful_count', '+', on ? 1 : -1) }))
        .where('id', '=', id)
        .returning('helpful_count')
        .executeTakeFirstOrThrow();
      count = row.helpful_count;
    }
    return { reviewId: id, helpfulCount: count, voted: on };
  });
}

export async function summaryOf(db: Db, productId: string) {
  const s = await db
    .selectFrom('rating_summaries')
    .selectAll()
    .where('product_id', '=', productId)
    .executeTakeFirst();
  const count = s?.count ?? 0;
  return {
    productId,
    average: count ? Math.round((s!.sum / count) * 10) / 10 : 0,
    count,
    distribution: { '1': s?.r1 ?? 0, '2': s?.r2 ?? 0, '3': s?.r3 ?? 0, '4': s?.r4 ?? 0, '5': s?.r5 ?? 0 },
  };
}
