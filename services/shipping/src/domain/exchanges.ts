import type { EventOf } from '@mp/contracts';
import { jsonb, newId, publishOptions, type Transaction } from '@mp/platform';
import type { Database, ShipmentItem } from '../db/schema.ts';
import type { Shipment, ShippingContext } from './context.ts';

/** An exchange's leg as its events name it. */
export const legOf = (s: Pick<Shipment, 'kind'>) =>
  s.kind === 'EXCHANGE_PICKUP'
    ? ('PICKUP' as const)
    : s.kind === 'EXCHANGE_DELIVERY'
      ? ('DELIVERY' as const)
      : undefined;

/**
 * order.exchange.requested: two shipments for the seller to dispatch, both through the usual
 * dispatch route and tracked like any parcel — the pickup (교환 회수) of the old units from the
 * buyer (return_of: the delivery they came in) and the delivery (교환 발송) of the new option to
 * the same address. One pair per exchange, whatever the redeliveries (shipping.exchange.requested once).
 */
export async function bookExchange(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  event: EventOf<'order.exchange.requested'>,
) {
  const d = event.data;
  const delivery = await trx
    .selectFrom('shipments')
    .selectAll()
    .where('order_id', '=', d.orderId)
    .where('seller_id', '=', d.sellerId)
    .where('kind', '=', 'DELIVERY')
    .executeTakeFirst();
  if (!delivery)
    throw new Error(`exchange ${d.exchangeId} of order ${d.orderId} before its delivery is known`);
  const leg = async (kind: 'EXCHANGE_PICKUP' | 'EXCHANGE_DELIVERY', items: ShipmentItem[]) =>
    trx
      .insertInto('shipments')
      .values({
        id: newId(),
        order_id: d.orderId,
        seller_id: d.sellerId,
        user_id: d.userId,
        kind,
        return_of: kind === 'EXCHANGE_PICKUP' ? delivery.id : null,
        refund_request_id: null,
        exchange_id: d.exchangeId,
        status: 'REQUESTED',
        recipient: jsonb(delivery.recipient),
        items: jsonb(items),
        carrier: null,
        tracking_number: null,
        estimated_delivery: null,
        reason: d.reason,
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
  const pickup = await leg(
    'EXCHANGE_PICKUP',
    d.items.map((i) => ({ itemId: i.itemId, productId: i.productId, sku: i.sku, quantity: i.quantity })),
  );
  const outbound = await leg(
    'EXCHANGE_DELIVERY',
    d.items.map((i) => ({ itemId: i.itemId, productId: i.productId, sku: i.newSku, quantity: i.quantity })),
  );
  if (!pickup || !outbound) return; // booked before: a redelivered event
  await ctx.events.publish(
    trx,
    'shipping.exchange.requested',
    {
      exchangeId: d.exchangeId,
      orderId: d.orderId,
      sellerId: d.sellerId,
      pickupShipmentId: pickup.id,
      deliveryShipmentId: outbound.id,
      requestedAt: pickup.requested_at.toISOString(),
    },
    publishOptions('shipment', pickup),
  );
}

/** order.exchange.cancelled (rejected or withdrawn): legs not dispatched yet are cancelled. */
export async function cancelExchange(trx: Transaction<Database>, event: EventOf<'order.exchange.cancelled'>) {
  await trx
    .updateTable('shipments')
    .set({ status: 'CANCELLED', cancelled_at: new Date(), reason: event.data.reason, updated_at: new Date() })
    .where('exchange_id', '=', event.data.exchangeId)
    .where('status', '=', 'REQUESTED')
    .execute();
}

/** shipping.exchange.dispatched / delivered / failed for a leg (published with the leg's own moves). */
export async function announceLeg(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  s: Shipment,
  moved: { dispatchedAt: Date } | { deliveredAt: Date } | { failed: string },
) {
  const leg = legOf(s);
  if (!leg || !s.exchange_id) return;
  const base = {
    exchangeId: s.exchange_id,
    orderId: s.order_id,
    sellerId: s.seller_id,
    shipmentId: s.id,
    leg,
  };
  if ('dispatchedAt' in moved)
    await ctx.events.publish(
      trx,
      'shipping.exchange.dispatched',
      {
        ...base,
        carrier: s.carrier!,
        trackingNumber: s.tracking_number!,
        dispatchedAt: moved.dispatchedAt.toISOString(),
      },
      publishOptions('shipment', s),
    );
  else if ('failed' in moved)
    await ctx.events.publish(
      trx,
      'shipping.exchange.failed',
      { ...base, reason: moved.failed, failedAt: new Date().toISOString() },
      publishOptions('shipment', s),
    );
  else
    await ctx.events.publish(
      trx,
      'shipping.exchange.delivered',
      { ...base, deliveredAt: moved.deliveredAt.toISOString() },
      publishOptions('shipment', s),
    );
}
