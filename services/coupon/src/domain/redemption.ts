import type { EventOf } from '@mp/contracts';
import {
  type EventPublisher,
  type Logger,
  lockKey,
  publishOptions,
  sql,
  type Transaction,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';

/**
 * order.created redeems the order's coupon (쿠폰 사용 처리). Idempotent, and safe against a late
 * event: an order whose cancellation came first never redeems.
 */
export async function redeemForOrder(
  trx: Transaction<Database>,
  events: EventPublisher,
  log: Logger,
  event: EventOf<'order.created'>,
): Promise<void> {
  const { orderId, userId, userCouponId, discountAmount } = event.data;
  if (!userCouponId) return;
  // order.cancelled may be handled at this very moment: one waits for the other (see restoreForOrder).
  await lockKey(trx, `coupon-order:${orderId}`);
  const cancelled = await trx
    .selectFrom('cancelled_orders')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (cancelled) return;
  const used = await trx
    .updateTable('user_coupons')
    .set({ status: 'USED', order_id: orderId, used_at: sql<Date>`now()`, discount_amount: discountAmount })
    .where('id', '=', userCouponId)
    .where('user_id', '=', userId)
    .where('status', '<>', 'USED')
    .returningAll()
    .executeTakeFirst();
  if (!used) {
    const row = await trx
      .selectFrom('user_coupons')
      .selectAll()
      .where('id', '=', userCouponId)
      .executeTakeFirst();
    if (row?.order_id !== orderId)
      log.warn(
        { orderId, userCouponId, usedBy: row?.order_id },
        'coupon of a new order is missing or used elsewhere',
      );
    return;
  }
  await events.publish(
    trx,
    'coupon.used',
    {
      couponId: used.coupon_id,
      userCouponId: used.id,
      userId,
      orderId,
      discountAmount,
      usedAt: used.used_at!.toISOString(),
    },
    publishOptions('coupon', used.coupon_id, { userId }),
  );
}

/**
 * order.cancelled gives the coupon back (쿠폰 복구): usable again, or expired if its validity ended
 * meanwhile. A cancellation that overtakes its order.created leaves a mark so the late event does nothing.
 */
export async function restoreForOrder(
  trx: Transaction<Database>,
  event: EventOf<'order.cancelled'>,
): Promise<void> {
  const { orderId, userCouponId } = event.data;
  await lockKey(trx, `coupon-order:${orderId}`);
  const restored = await sql<{ id: string }>`
    update user_coupons u
       set status = case when c.valid_until <= now() or c.status = 'EXPIRED' then 'EXPIRED' else 'ISSUED' end,
           order_id = null, used_at = null, discount_amount = null
      from coupons c
     where c.id = u.coupon_id and u.order_id = ${orderId} and u.status = 'USED'
     returning u.id`.execute(trx);
  if (restored.rows.length || !userCouponId) return;
  await trx
    .insertInto('cancelled_orders')
    .values({ order_id: orderId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
