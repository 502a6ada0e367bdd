import { conflict, type Kysely, type Transaction, unprocessable } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { discountFor, meetsMinimum } from './discount.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ValidationInput {
  userId: string;
  /** The coupon's id, or the id of the user's own issued coupon. */
  couponId: string;
  orderAmount: number;
  /** Per-seller subtotals: a seller's coupon applies only to that seller's items. */
  items?: { sellerId: string; amount: number }[] | undefined;
}

/** Coupon validation (`POST /internal/coupons/validate`): whether the user may use the coupon on an order of this amount, and its discount. */
export async function validateCoupon(db: Db, input: ValidationInput) {
  const row = await db
    .selectFrom('user_coupons as u')
    .innerJoin('coupons as c', 'c.id', 'u.coupon_id')
    .selectAll('c')
    .select(['u.id as user_coupon_id', 'u.status as user_coupon_status'])
    .where('u.user_id', '=', input.userId)
    .where((eb) => eb.or([eb('u.coupon_id', '=', input.couponId), eb('u.id', '=', input.couponId)]))
    .executeTakeFirst();
  if (!row) throw unprocessable('COUPON_NOT_OWNED', 'You do not have this coupon');
  if (row.user_coupon_status === 'USED') throw conflict('COUPON_ALREADY_USED', 'This coupon has been used');
  const now = Date.now();
  if (row.user_coupon_status === 'EXPIRED' || row.valid_until.getTime() <= now)
    throw conflict('COUPON_EXPIRED', 'This coupon has expired');
  if (row.valid_from.getTime() > now)
    throw unprocessable('COUPON_NOT_YET_VALID', `This coupon is valid from ${row.valid_from.toISOString()}`);
  const applicable =
    row.seller_id === null
      ? input.orderAmount
      : (input.items ?? []).filter((i) => i.sellerId === row.seller_id).reduce((s, i) => s + i.amount, 0);
  if (row.seller_id !== null && applicable === 0)
    throw unprocessable('COUPON_NOT_APPLICABLE', "This seller's coupon applies only to its own items");
  const rule = {
    type: row.type,
    value: row.value,
    minOrderAmount: row.min_order_amount,
    maxDiscount: row.max_discount,
  };
  if (!meetsMinimum(rule, applicable))
    throw unprocessable(
      'COUPON_MIN_ORDER_NOT_MET',
      `This coupon needs an order of at least ${rule.minOrderAmount}원`,
      {
        minOrderAmount: rule.minOrderAmount,
      },
    );
  return {
    couponId: row.id,
    userCouponId: row.user_coupon_id,
    discountAmount: discountFor(rule, applicable),
    fundedBy: row.issuer,
    sellerId: row.seller_id,
  };
}
