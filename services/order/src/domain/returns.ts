import type { EventOf } from '@mp/contracts';
import { PermanentEventError, publishOptions, type Selectable, type Transaction } from '@mp/platform';
import type { Database, RefundRequestsTable } from '../db/schema.ts';
import type { Order, OrderContext } from './context.ts';
import { itemsOf, lockOrder, note, transition } from './orders.ts';

export type Return = Selectable<RefundRequestsTable>;

export async function lockReturn(trx: Transaction<Database>, orderId: string, returnId: string) {
  // The order's lock first, as every writer of an order does.
  const o = await lockOrder(trx, orderId);
  const r = o
    ? ((await trx
        .selectFrom('refund_requests')
        .selectAll()
        .where('id', '=', returnId)
        .where('order_id', '=', o.id)
        .forUpdate()
        .executeTakeFirst()) as Return | undefined)
    : undefined;
  return { o, r };
}

export const updateReturn = (trx: Transaction<Database>, r: Return, set: Partial<Return>) =>
  trx
    .updateTable('refund_requests')
    .set(set as never)
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow() as Promise<Return>;

/** shipping.return.requested: the pickup (반품 회수) is booked; the return remembers its parcel. */
export async function onReturnBooked(trx: Transaction<Database>, e: EventOf<'shipping.return.requested'>) {
  const o = await lockOrder(trx, e.data.orderId);
  if (!o) return;
  if (e.data.refundRequestId)
    await trx
      .updateTable('refund_requests')
      .set({ return_shipment_id: e.data.returnShipmentId })
      .where('id', '=', e.data.refundRequestId)
      .where('order_id', '=', o.id)
      .execute();
  await note(trx, o.id, {
    type: 'RETURN_REQUESTED',
    sourceEventId: e.eventId,
    data: {
      shipmentId: e.data.shipmentId,
      returnShipmentId: e.data.returnShipmentId,
      reason: e.data.reason,
    },
  });
}

/**
 * shipping.return.received / failed: the parcel is back with the seller (inspection opens), or the
 * carrier could not collect it: PICKUP_FAILED, the buyer and the seller told
 * (order.return.pickup_failed), listed for an admin to settle.
 */
export async function onReturnLeg(
  ctx: OrderContext,
  trx: Transaction<Database>,
  e: EventOf<'shipping.return.received'> | EventOf<'shipping.return.failed'>,
) {
  const { o, r } = await lockReturn(trx, e.data.orderId, e.data.refundRequestId);
  if (!o || !r) throw new PermanentEventError(`${e.eventType} for unknown return ${e.data.refundRequestId}`);
  const received = e.eventType === 'shipping.return.received';
  const entry = {
    sourceEventId: e.eventId,
    data: { refundRequestId: r.id, returnShipmentId: e.data.returnShipmentId },
  };
  // Only a return still on its way moves: a late or repeated event is a note.
  if (r.status !== 'REQUESTED')
    return note(trx, o.id, { type: received ? 'RETURN_RECEIVED_LATE' : 'RETURN_FAILED_LATE', ...entry });
  if (e.eventType === 'shipping.return.received') {
    await updateReturn(trx, r, { status: 'RECEIVED', received_at: new Date(e.data.receivedAt) });
    return note(trx, o.id, { type: 'RETURN_RECEIVED', ...entry });
  }
  await updateReturn(trx, r, { status: 'PICKUP_FAILED', pickup_failure: e.data.reason });
  await ctx.events.publish(
    trx,
    'order.return.pickup_failed',
    {
      orderId: o.id,
      userId: o.user_id,
      sellerId: r.seller_id ?? e.data.sellerId,
      refundRequestId: r.id,
      reason: e.data.reason,
      failedAt: e.data.failedAt,
    },
    publishOptions('order', o),
  );
  return note(trx, o.id, {
    type: 'RETURN_PICKUP_FAILED',
    ...entry,
    data: { ...entry.data, reason: e.data.reason },
  });
}

/**
 * The refund of an accepted return arrived (payment.refunded), or it had nothing to pay back: its
 * lines count as refunded at their worth, the order's refunded amount grows by what moved, and the
 * order is 환불완료 once every line is back, else 부분환불. order.refund.completed tells settlement
 * (with the fee kept) and the buyer.
 */
export async function completeReturn(
  ctx: OrderContext,
  trx: Transaction<Database>,
  o: Order,
  r: Return,
  refund: { refundId: string; amount: number; sourceEventId?: string },
): Promise<Order> {
  await trx
    .updateTable('refund_requests')
    .set({ status: 'COMPLETED', refund_id: refund.refundId, completed_at: new Date() })
    .where('id', '=', r.id)
    .execute();
  for (const line of r.items)
    await trx
      .updateTable('order_items')
      .set((eb) => ({
        refunded_quantity: eb('refunded_quantity', '+', line.quantity),
        refunded_amount: eb('refunded_amount', '+', line.amount),
        status: eb
          .case()
          .when(eb('refunded_quantity', '+', line.quantity), '>=', eb.ref('quantity'))
          .then('REFUNDED' as const)
          .else('ORDERED' as const)
          .end(),
      }))
      .where('id', '=', line.itemId)
      .execute();
  const items = await itemsOf(trx, o.id);
  const refunded = Math.min(o.payable_amount, o.refunded_amount + refund.amount);
  const entry = {
    type: 'REFUND_COMPLETED',
    ...(refund.sourceEventId ? { sourceEventId: refund.sourceEventId } : {}),
    data: {
      refundId: refund.refundId,
      amount: refund.amount,
      refundRequestId: r.id,
      returnShippingFee: Number(r.return_shipping_fee),
    },
  };
  const to = items.every((i) => i.refunded_quantity >= i.quantity) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  let moved = await transition(trx, o, to, entry, { refunded_amount: refunded });
  if (!moved) {
    moved = await trx
      .updateTable('orders')
      .set({ refunded_amount: refunded, updated_at: new Date() })
      .where('id', '=', o.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await note(trx, o.id, entry);
  }
  await ctx.events.publish(
    trx,
    'order.refund.completed',
    {
      orderId: o.id,
      userId: o.user_id,
      refundRequestId: r.id,
      refundId: refund.refundId,
      amount: refund.amount,
      items: r.items,
      completedAt: new Date().toISOString(),
      returnShippingFee: Number(r.return_shipping_fee),
    },
    publishOptions('order', o),
  );
  return moved;
}
