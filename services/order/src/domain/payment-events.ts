import type { EventOf } from '@mp/contracts';
import { PermanentEventError, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { Order, OrderContext } from './context.ts';
import {
  announceCancelled,
  itemsOf,
  lockOrder,
  note,
  transition,
  transitionSeeingShipments,
} from './orders.ts';
import { completeReturn } from './returns.ts';
import { followShipments } from './shipping-events.ts';

/** payment.completed: 결제대기 → 결제완료. Late for a cancelled order: payment refunds it; nothing here. */
export async function onPaymentCompleted(
  ctx: OrderContext,
  trx: Transaction<Database>,
  e: EventOf<'payment.completed'>,
) {
  const o = await lockOrder(trx, e.data.orderId);
  if (!o) throw new PermanentEventError(`payment.completed for unknown order ${e.data.orderId}`);
  if (e.data.amount !== o.payable_amount) return failOnAmountMismatch(ctx, trx, o, e);
  const moved = await transitionSeeingShipments(
    trx,
    o,
    'PAID',
    {
      type: 'PAYMENT_COMPLETED',
      sourceEventId: e.eventId,
      data: { paymentId: e.data.paymentId, amount: e.data.amount, method: e.data.method },
    },
    { paid_at: new Date(e.data.paidAt), payment_id: e.data.paymentId },
  );
  if (!moved) {
    await note(trx, o.id, {
      type: 'PAYMENT_COMPLETED_LATE',
      sourceEventId: e.eventId,
      data: { status: o.status },
    });
    return;
  }
  // Shipping may have heard of the payment first: catch up with shipments already requested.
  await followShipments(
    trx,
    moved.order,
    { type: 'SHIPPING_REQUESTED', sourceEventId: e.eventId },
    undefined,
    moved.shipments,
  );
}

/**
 * A payment.completed for another amount than the order owes is not a payment of this order: the
 * order goes where a failed payment goes (결제실패, with the reason in its history and
 * cancel_reason), and order.cancelled gives back its stock and coupon and tells payment, which
 * cancels the payment at the PG (its balance back to the buyer) as for any cancelled paid order.
 */
async function failOnAmountMismatch(
  ctx: OrderContext,
  trx: Transaction<Database>,
  o: Order,
  e: EventOf<'payment.completed'>,
) {
  ctx.log.error(
    { orderId: o.id, paid: e.data.amount, payable: o.payable_amount },
    'paid amount differs from the payable amount; the payment fails',
  );
  const moved = await transition(
    trx,
    o,
    'PAYMENT_FAILED',
    {
      type: 'PAYMENT_AMOUNT_MISMATCH',
      sourceEventId: e.eventId,
      data: { paymentId: e.data.paymentId, paid: e.data.amount, payable: o.payable_amount },
    },
    {
      cancelled_at: new Date(),
      cancel_reason: `PAYMENT_AMOUNT_MISMATCH: paid ${e.data.amount}, payable ${o.payable_amount}`,
    },
  );
  if (moved) await announceCancelled(ctx, trx, o, 'PAYMENT_AMOUNT_MISMATCH');
  else
    await note(trx, o.id, {
      type: 'PAYMENT_AMOUNT_MISMATCH',
      sourceEventId: e.eventId,
      data: { paymentId: e.data.paymentId, paid: e.data.amount, status: o.status },
    });
}

/**
 * payment.failed: 결제실패. The order is over; order.cancelled tells inventory and coupon to give
 * back what the order held (they already listen to it).
 */
export async function onPaymentFailed(
  ctx: OrderContext,
  trx: Transaction<Database>,
  e: EventOf<'payment.failed'>,
) {
  const o = await lockOrder(trx, e.data.orderId);
  if (!o) throw new PermanentEventError(`payment.failed for unknown order ${e.data.orderId}`);
  const moved = await transition(
    trx,
    o,
    'PAYMENT_FAILED',
    {
      type: 'PAYMENT_FAILED',
      sourceEventId: e.eventId,
      data: { errorCode: e.data.errorCode, reason: e.data.reason },
    },
    { cancelled_at: new Date(), cancel_reason: `PAYMENT_FAILED: ${e.data.errorCode}` },
  );
  if (moved) await announceCancelled(ctx, trx, o, 'PAYMENT_FAILED');
}

/** payment.cancelled (an unpaid payment closed): a note in the history. */
export async function onPaymentCancelled(trx: Transaction<Database>, e: EventOf<'payment.cancelled'>) {
  const o = await lockOrder(trx, e.data.orderId);
  if (o)
    await note(trx, o.id, {
      type: 'PAYMENT_CANCELLED',
      sourceEventId: e.eventId,
      data: { reason: e.data.reason },
    });
}

/**
 * payment.refunded: the money is back. An accepted return completes (부분환불 or
 * 환불완료, returns.ts); a cancelled order becomes 환불완료; order.refund.completed tells settlement.
 */
export async function onPaymentRefunded(
  ctx: OrderContext,
  trx: Transaction<Database>,
  e: EventOf<'payment.refunded'>,
) {
  const d = e.data;
  const o = await lockOrder(trx, d.orderId);
  if (!o) throw new PermanentEventError(`payment.refunded for unknown order ${d.orderId}`);
  const seen = await trx
    .selectFrom('order_events')
    .select('seq')
    .where('order_id', '=', o.id)
    .where('type', '=', 'REFUND_COMPLETED')
    .where(sql<boolean>`data->>'refundId' = ${d.refundId}`)
    .executeTakeFirst();
  if (seen) return;
  const request = d.refundRequestId
    ? await trx
        .selectFrom('refund_requests')
        .selectAll()
        .where('id', '=', d.refundRequestId)
        .where('order_id', '=', o.id)
        .executeTakeFirst()
    : undefined;
  if (request && request.status !== 'COMPLETED') {
    await completeReturn(ctx, trx, o, request, {
      refundId: d.refundId,
      amount: d.amount,
      sourceEventId: e.eventId,
    });
    return;
  }
  const refunded = Math.min(o.payable_amount, o.refunded_amount + d.amount);
  // A cancellation's refund (or one made at the PG): everything the order still held.
  const items = (await itemsOf(trx, o.id)).map((i) => ({
    itemId: i.id,
    sellerId: i.seller_id,
    quantity: i.quantity - i.refunded_quantity,
    amount: i.line_amount - i.discount_amount - i.refunded_amount,
  }));
  const entry = {
    type: 'REFUND_COMPLETED',
    sourceEventId: e.eventId,
    data: { refundId: d.refundId, amount: d.amount, refundRequestId: d.refundRequestId ?? null },
  };
  const to = refunded >= o.payable_amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  const moved = await transition(trx, o, to, entry, { refunded_amount: refunded });
  if (!moved) {
    await trx
      .updateTable('orders')
      .set({ refunded_amount: refunded, updated_at: new Date() })
      .where('id', '=', o.id)
      .execute();
    await note(trx, o.id, entry);
  }
  await ctx.events.publish(
    trx,
    'order.refund.completed',
    {
      orderId: o.id,
      userId: o.user_id,
      refundRequestId: null,
      refundId: d.refundId,
      amount: d.amount,
      items,
      completedAt: new Date().toISOString(),
    },
    publishOptions('order', o),
  );
}
