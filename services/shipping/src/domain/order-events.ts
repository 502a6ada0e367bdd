import type { EventOf } from '@mp/contracts';
import { jsonb, newId, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database, ShipmentItem } from '../db/schema.ts';
import type { ShippingContext } from './context.ts';
import { bookReturn } from './returns.ts';

/** order.created: remember the order's per-seller split and address until it is paid. */
export async function rememberOrder(trx: Transaction<Database>, event: EventOf<'order.created'>) {
  const d = event.data;
  const items = d.items.map((i) => ({
    itemId: i.itemId,
    productId: i.productId,
    sku: i.sku,
    quantity: i.quantity,
    sellerId: i.sellerId,
  }));
  await trx
    .insertInto('order_splits')
    .values({
      order_id: d.orderId,
      user_id: d.userId,
      shipping_address: jsonb(d.shippingAddress),
      items: jsonb(items),
      correlation_id: event.correlationId,
      cancelled_at: null,
    })
    // A cancellation may have come first: keep its mark, fill in the rest.
    .onConflict((oc) =>
      oc.column('order_id').doUpdateSet((eb) => ({
        user_id: eb.ref('excluded.user_id'),
        shipping_address: eb.ref('excluded.shipping_address'),
        items: eb.ref('excluded.items'),
        correlation_id: eb.ref('excluded.correlation_id'),
      })),
    )
    .execute();
}

/**
 * payment.completed (배송 준비 시작): one shipment per seller of the order (shipping.requested),
 * waiting for the seller to dispatch. The order's split must have arrived: if not yet, the event
 * is retried. A cancelled order gets none.
 */
export async function requestShipments(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  event: EventOf<'payment.completed'>,
) {
  const split = await trx
    .selectFrom('order_splits')
    .selectAll()
    .where('order_id', '=', event.data.orderId)
    .executeTakeFirst();
  if (split?.cancelled_at) return;
  if (!split?.user_id || !split.shipping_address)
    throw new Error(`order ${event.data.orderId} is paid but its order.created has not arrived yet`);
  const bySeller = new Map<string, ShipmentItem[]>();
  for (const { sellerId, ...item } of split.items)
    bySeller.set(sellerId, [...(bySeller.get(sellerId) ?? []), item]);
  for (const [sellerId, items] of bySeller) {
    const s = await trx
      .insertInto('shipments')
      .values({
        id: newId(),
        order_id: split.order_id,
        seller_id: sellerId,
        user_id: split.user_id,
        kind: 'DELIVERY',
        return_of: null,
        refund_request_id: null,
        exchange_id: null,
        status: 'REQUESTED',
        recipient: jsonb(split.shipping_address),
        items: jsonb(items),
        carrier: null,
        tracking_number: null,
        estimated_delivery: null,
        reason: null,
        dispatched_at: null,
        delivered_at: null,
        cancelled_at: null,
        failed_at: null,
        last_polled_at: null,
        correlation_id: split.correlation_id ?? event.correlationId,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!s) continue;
    await ctx.events.publish(
      trx,
      'shipping.requested',
      {
        shipmentId: s.id,
        orderId: s.order_id,
        sellerId,
        userId: s.user_id,
        items,
        requestedAt: s.requested_at.toISOString(),
      },
      publishOptions('shipment', s),
    );
  }
}

/**
 * order.cancelled: shipments not dispatched are cancelled; one already on its way
 * (the seller dispatched as the buyer cancelled) is brought back as a return.
 */
export async function cancelShipments(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  event: EventOf<'order.cancelled'>,
) {
  const d = event.data;
  await trx
    .insertInto('order_splits')
    .values({
      order_id: d.orderId,
      user_id: null,
      shipping_address: null,
      items: sql`'[]'::jsonb` as never,
      correlation_id: null,
      cancelled_at: new Date(d.cancelledAt),
    })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ cancelled_at: new Date(d.cancelledAt) }))
    .execute();
  await trx
    .updateTable('shipments')
    .set({ status: 'CANCELLED', cancelled_at: new Date(), reason: d.reason, updated_at: new Date() })
    .where('order_id', '=', d.orderId)
    .where('kind', '=', 'DELIVERY')
    .where('status', '=', 'REQUESTED')
    .execute();
  const onTheWay = await trx
    .selectFrom('shipments')
    .selectAll()
    .where('order_id', '=', d.orderId)
    .where('kind', '=', 'DELIVERY')
    .where('status', 'in', ['DISPATCHED', 'IN_TRANSIT'])
    .execute();
  for (const s of onTheWay)
    await bookReturn(ctx, trx, s, s.items, `order cancelled after dispatch: ${d.reason}`, null);
}
