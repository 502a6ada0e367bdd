import {
  type ApiError,
  CompiledQuery,
  conflict,
  type Kysely,
  newId,
  notFound,
  publishOptions,
  type ServiceDeps,
  sql,
  type Transaction,
  unprocessable,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { Coupon } from './dto.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewCoupon {
  name: string;
  type: 'FIXED' | 'PERCENT';
  value: number;
  minOrderAmount: number;
  maxDiscount?: number | undefined;
  totalQuantity?: number | undefined;
  validFrom: string;
  validUntil: string;
}

/** An admin's coupon is the platform's; a seller's is funded by that seller and applies to its items. */
export async function createCoupon(
  { db, events }: Pick<ServiceDeps<Database>, 'db' | 'events'>,
  by: { userId: string; role: 'admin' | 'seller' },
  input: NewCoupon,
): Promise<Coupon> {
  return db.transaction().execute(async (trx) => {
    const coupon = await trx
      .insertInto('coupons')
      .values({
        id: newId(),
        name: input.name,
        type: input.type,
        value: input.value,
        min_order_amount: input.minOrderAmount,
        max_discount: input.maxDiscount ?? null,
        total_quantity: input.totalQuantity ?? null,
        issuer: by.role === 'admin' ? 'ADMIN' : 'SELLER',
        seller_id: by.role === 'seller' ? by.userId : null,
        created_by: by.userId,
        valid_from: new Date(input.validFrom),
        valid_until: new Date(input.validUntil),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await events.publish(
      trx,
      'coupon.created',
      {
        couponId: coupon.id,
        name: coupon.name,
        type: coupon.type,
        value: coupon.value,
        issuer: coupon.issuer,
        ...(coupon.seller_id ? { sellerId: coupon.seller_id } : {}),
        totalQuantity: coupon.total_quantity,
        validFrom: coupon.valid_from.toISOString(),
        validUntil: coupon.valid_until.toISOString(),
        createdAt: coupon.created_at.toISOString(),
      },
      publishOptions('coupon', coupon.id),
    );
    return coupon;
  });
}

export const findCoupon = (db: Db, id: string) =>
  db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst();

/**
 * What every claim reads before the lock, written once: kysely building the claims' queries was 9 %
 * of the coupon app's samples in a drop (docs/benchmarks.md).
 */
const claimSeen = `select c.status, c.valid_from, c.valid_until, c.issued_count, c.total_quantity, u.id as mine
  from coupons c left join user_coupons u on u.coupon_id = c.id and u.user_id = $2
  where c.id = $1`;
type ClaimSeen = Pick<Coupon, 'status' | 'valid_from' | 'valid_until' | 'issued_count' | 'total_quantity'> & {
  mine: string | null;
};

/**
 * Issues a coupon to a user, first come first served (선착순): the user's row goes in first (one
 * per user, by a unique key), then one conditional UPDATE takes a unit only while units remain
 * and the coupon is valid. Both in one transaction, so a refusal leaves nothing behind.
 */
export async function issueCoupon(
  { db, events }: Pick<ServiceDeps<Database>, 'db' | 'events'>,
  couponId: string,
  userId: string,
) {
  // A read before the lock: once a coupon is gone (or already mine), most claims of a rush are
  // answered by this one read, without queueing for the coupon's row, and with the reason read
  // here too. The conditional UPDATE below stays the guard.
  const [seen] = (await db.executeQuery<ClaimSeen>(CompiledQuery.raw(claimSeen, [couponId, userId]))).rows;
  if (seen?.mine) throw conflict('COUPON_ALREADY_ISSUED', 'You already have this coupon');
  if (seen && seen.total_quantity !== null && seen.issued_count >= seen.total_quantity)
    throw notIssuable(seen);
  return db.transaction().execute(async (trx) => {
    const mine = await trx
      .insertInto('user_coupons')
      .values({
        id: newId(),
        coupon_id: couponId,
        user_id: userId,
        order_id: null,
        discount_amount: null,
        used_at: null,
      })
      .onConflict((oc) => oc.columns(['coupon_id', 'user_id']).doNothing())
      .returningAll()
      .executeTakeFirst()
      .catch((err: { code?: string }) => {
        // A coupon id that does not exist breaks the foreign key.
        if (err.code === '23503') throw notFound('COUPON_NOT_FOUND', 'No such coupon');
        throw err;
      });
    if (!mine) throw conflict('COUPON_ALREADY_ISSUED', 'You already have this coupon');
    const coupon = await trx
      .updateTable('coupons')
      .set((eb) => ({ issued_count: eb('issued_count', '+', 1) }))
      .where('id', '=', couponId)
      .where('status', '=', 'ACTIVE')
      .where('valid_from', '<=', sql<Date>`now()`)
      .where('valid_until', '>', sql<Date>`now()`)
      .where((eb) =>
        eb.or([eb('total_quantity', 'is', null), eb('issued_count', '<', eb.ref('total_quantity'))]),
      )
      .returningAll()
      .executeTakeFirst();
    if (!coupon) throw await whyNotIssuable(trx, couponId);
    await events.publish(
      trx,
      'coupon.issued',
      { couponId, userCouponId: mine.id, userId, issuedAt: mine.issued_at.toISOString() },
      publishOptions('coupon', couponId, { userId }),
    );
    return { userCoupon: mine, coupon };
  });
}

export async function whyNotIssuable(db: Db, couponId: string): Promise<ApiError> {
  return notIssuable(await findCoupon(db, couponId));
}

/** Why a coupon, as read, cannot be issued now. */
function notIssuable(c: Pick<Coupon, 'status' | 'valid_from' | 'valid_until'> | undefined): ApiError {
  const now = Date.now();
  if (!c || c.status === 'DELETED') return notFound('COUPON_NOT_FOUND', 'No such coupon');
  if (c.status === 'EXPIRED' || c.valid_until.getTime() <= now)
    return conflict('COUPON_EXPIRED', 'This coupon has expired');
  if (c.valid_from.getTime() > now)
    return unprocessable(
      'COUPON_NOT_YET_VALID',
      `This coupon can be claimed from ${c.valid_from.toISOString()}`,
    );
  return conflict('COUPON_EXHAUSTED', 'All of this coupon have been claimed');
}
