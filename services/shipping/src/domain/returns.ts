import type { EventOf } from '@mp/contracts';
import { jsonb, newId, type Transaction } from '@mp/platform';
import type { Address, Database, ShipmentItem } from '../db/schema.ts';
import { opts, type ShippingContext } from './context.ts';

/** order.refund.requested: the refunded items are collected from the buyer (반품 회수), one return per seller. */
export async function returnsForRefund(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  event: EventOf<'order.refund.requested'>,
) {
  const d = event.data;
  const deliveries = await trx
    .selectFrom('shipments')
    .selectAll()
    .where('order_id', '=', d.orderId)
    .where('kind', '=', 'DELIVERY')
    .execute();
  for (const s of deliveries) {
    const wanted = d.items.filter((i) => i.sellerId === s.seller_id);
    const items = wanted.flatMap((w) => {
      const item = s.items.find((i) => i.itemId === w.itemId);
      return item ? [{ ...item, quantity: w.quantity }] : [];
    });
    if (items.length) await bookReturn(ctx, trx, s, items, d.reason, d.refundRequestId);
  }
}

export async function bookReturn(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  delivery: {
    id: string;
    order_id: string;
    seller_id: string;
    user_id: string;
    recipient: Address;
    correlation_id: string;
  },
  items: ShipmentItem[],
  reason: string,
  refundRequestId: string | null,
) {
  const r = await trx
    .insertInto('shipments')
    .values({
      id: newId(),
      order_id: delivery.order_id,
      seller_id: delivery.seller_id,
      user_id: delivery.user_id,
      kind: 'RETURN',
      return_of: delivery.id,
      refund_request_id: refundRequestId,
      exchange_id: null,
      status: 'REQUESTED',
      recipient: jsonb(delivery.recipient),
      items: jsonb(items),
      carrier: null,
      tracking_number: null,
      estimated_delivery: null,
      reason,
      dispatched_at: null,
      delivered_at: null,
      cancelled_at: null,
      failed_at: null,
      last_polled_at: null,
      correlation_id: delivery.correlation_id,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!r) return;
  await ctx.events.publish(
    trx,
    'shipping.return.requested',
    {
      shipmentId: delivery.id,
      orderId: delivery.order_id,
      returnShipmentId: r.id,
      reason,
      requestedAt: r.requested_at.toISOString(),
      sellerId: delivery.seller_id,
      ...(refundRequestId ? { refundRequestId } : {}),
    },
    opts(r),
  );
}
