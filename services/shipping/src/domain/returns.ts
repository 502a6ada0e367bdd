import type { EventOf } from '@mp/contracts';
import { jsonb, newId, publishOptions, sql, type Transaction } from '@mp/platform';
import { CarrierError } from '../carrier/port.ts';
import type { Address, Carrier, Database, ShipmentItem } from '../db/schema.ts';
import type { Shipment, ShippingContext } from './context.ts';

/**
 * order.refund.requested (반품): the items are collected from the buyer (반품 회수), one return per
 * seller; the pickup is booked with the carrier right after (bookPickups).
 */
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
    publishOptions('shipment', r),
  );
}

/** A pickup the carrier did not answer is asked again after this long. */
const RETRY_AFTER_MS = 30_000;

/**
 * Books the pickups of returns waiting for one (반품 회수 접수) with the carrier that brought the
 * delivery (CJ if none is known). The booking's invoice makes the return DISPATCHED, tracked by the
 * usual poller until the parcel is back with the seller (shipping.return.received). A refusal fails
 * the return (shipping.return.failed); no answer is asked again later, under the same orderNo, so
 * a booking whose answer was lost is not booked twice. Replicas share returns by SKIP LOCKED.
 */
export async function bookPickups(ctx: ShippingContext, batch = 20): Promise<number> {
  const due = await sql<Shipment>`
    update shipments set last_polled_at = now()
     where id in (select id from shipments where kind = 'RETURN' and status = 'REQUESTED'
                    and (last_polled_at is null or last_polled_at < now() - ${`${RETRY_AFTER_MS} milliseconds`}::interval)
                  order by requested_at limit ${batch} for update skip locked)
    returning *`.execute(ctx.db);
  for (const r of due.rows) {
    const delivery = r.return_of
      ? await ctx.db
          .selectFrom('shipments')
          .select('carrier')
          .where('id', '=', r.return_of)
          .executeTakeFirst()
      : undefined;
    const carrier: Carrier = delivery?.carrier ?? 'CJ';
    try {
      const { trackingNumber } = await ctx.carrier.bookPickup(carrier, {
        orderNo: r.id,
        senderName: r.recipient.recipient,
        senderPhone: r.recipient.phone,
        senderAddress: r.recipient.address,
        senderZipCode: r.recipient.zipCode,
        itemName: `반품 ${r.items.length}건`,
        quantity: r.items.reduce((n, i) => n + i.quantity, 0),
      });
      await ctx.db
        .updateTable('shipments')
        .set({
          status: 'DISPATCHED',
          carrier,
          tracking_number: trackingNumber,
          dispatched_at: new Date(),
          updated_at: new Date(),
          last_polled_at: null,
        })
        .where('id', '=', r.id)
        .where('status', '=', 'REQUESTED')
        .execute();
    } catch (err) {
      if (!(err instanceof CarrierError) || err.code === 'CARRIER_UNAVAILABLE') {
        ctx.log.warn({ err, shipmentId: r.id }, 'the carrier did not book the pickup; asking again later');
        continue;
      }
      ctx.log.warn({ shipmentId: r.id, code: err.code }, 'the carrier refused the pickup');
      await ctx.db.transaction().execute(async (trx) => {
        const failed = await trx
          .updateTable('shipments')
          .set({ status: 'FAILED', failed_at: new Date(), reason: err.message, updated_at: new Date() })
          .where('id', '=', r.id)
          .where('status', '=', 'REQUESTED')
          .returningAll()
          .executeTakeFirst();
        if (failed) await announceReturn(ctx, trx, failed, { failed: err.message });
      });
    }
  }
  return due.rows.length;
}

/** shipping.return.received / failed for a return that belongs to a refund request (반품). */
export async function announceReturn(
  ctx: ShippingContext,
  trx: Transaction<Database>,
  s: Shipment,
  what: { receivedAt: Date } | { failed: string },
) {
  if (s.kind !== 'RETURN' || !s.refund_request_id) return;
  const base = {
    returnShipmentId: s.id,
    orderId: s.order_id,
    sellerId: s.seller_id,
    refundRequestId: s.refund_request_id,
  };
  if ('receivedAt' in what)
    await ctx.events.publish(
      trx,
      'shipping.return.received',
      { ...base, receivedAt: what.receivedAt.toISOString() },
      publishOptions('shipment', s),
    );
  else
    await ctx.events.publish(
      trx,
      'shipping.return.failed',
      { ...base, reason: what.failed, failedAt: new Date().toISOString() },
      publishOptions('shipment', s),
    );
}
