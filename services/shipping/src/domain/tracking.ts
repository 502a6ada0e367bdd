import { publishOptions, sql } from '@mp/platform';
import { CarrierError, type Tracking } from '../carrier/port.ts';
import type { Shipment, ShippingContext } from './context.ts';
import { announceLeg } from './exchanges.ts';
import { announceReturn } from './returns.ts';

/**
 * Asks the carrier about parcels on their way (the tracking API is polled; 스마트택배 calls this
 * its 조회 API) and moves shipments forward: 집화 → shipping.in_transit, 배달완료 →
 * shipping.delivered, 배달불가 → shipping.failed. Replicas share shipments by SKIP LOCKED.
 */
export async function pollTracking(
  ctx: ShippingContext,
  o: { refreshAfterMs: number; batch?: number },
): Promise<number> {
  const due = await sql<Shipment>`
    update shipments set last_polled_at = now()
     where id in (select id from shipments where status in ('DISPATCHED', 'IN_TRANSIT')
                    and (last_polled_at is null or last_polled_at < now() - ${`${o.refreshAfterMs} milliseconds`}::interval)
                  order by last_polled_at nulls first limit ${o.batch ?? 50} for update skip locked)
    returning *`.execute(ctx.db);
  for (const s of due.rows)
    await refreshTracking(ctx, s).catch((err) => ctx.log.warn({ err, shipmentId: s.id }, 'tracking failed'));
  return due.rows.length;
}

/** Asks the carrier about one shipment now and applies what it says. */
export async function refreshTracking(ctx: ShippingContext, s: Shipment): Promise<Shipment> {
  if (!s.carrier || !s.tracking_number || !['DISPATCHED', 'IN_TRANSIT'].includes(s.status)) return s;
  const tracking = await ctx.carrier.track(s.carrier, s.tracking_number);
  return tracking ? applyTracking(ctx, s.id, tracking) : s;
}

export async function applyTracking(ctx: ShippingContext, id: string, t: Tracking): Promise<Shipment> {
  return ctx.db.transaction().execute(async (trx) => {
    let s = await trx
      .selectFrom('shipments')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    for (const step of t.steps)
      await trx
        .insertInto('tracking_events')
        .values({
          shipment_id: s.id,
          level: step.level,
          kind: step.kind,
          location: step.location,
          occurred_at: step.at,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    if (!['DISPATCHED', 'IN_TRANSIT'].includes(s.status)) return s;
    const announce = s.kind === 'DELIVERY';
    const last = t.steps.at(-1);
    const moved = async (set: Partial<Shipment>) => {
      s = await trx
        .updateTable('shipments')
        .set({ ...set, tracking_level: t.level, updated_at: new Date() } as never)
        .where('id', '=', s.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    };
    if (s.status === 'DISPATCHED' && (t.level >= 2 || t.delivered)) {
      await moved({ status: 'IN_TRANSIT' });
      const step = t.steps.find((x) => x.level >= 2) ?? last;
      if (announce)
        await ctx.events.publish(
          trx,
          'shipping.in_transit',
          {
            shipmentId: s.id,
            orderId: s.order_id,
            carrier: s.carrier!,
            trackingNumber: s.tracking_number!,
            ...(step?.location ? { location: step.location } : {}),
            at: (step?.at ?? new Date()).toISOString(),
          },
          publishOptions('shipment', s),
        );
    }
    if (t.failed) {
      await moved({ status: 'FAILED', failed_at: new Date() });
      const why = t.steps.find((x) => /배달불가|미배달|반송|배송실패/.test(x.kind));
      const reason = why?.kind ?? 'the carrier could not deliver';
      await announceReturn(ctx, trx, s, { failed: reason });
      await announceLeg(ctx, trx, s, { failed: reason });
      if (announce)
        await ctx.events.publish(
          trx,
          'shipping.failed',
          {
            shipmentId: s.id,
            orderId: s.order_id,
            reason,
            failedAt: new Date().toISOString(),
          },
          publishOptions('shipment', s),
        );
    } else if (t.delivered) {
      const at = t.steps.find((x) => x.level >= 6)?.at ?? new Date();
      await moved({ status: 'DELIVERED', delivered_at: at });
      await announceLeg(ctx, trx, s, { deliveredAt: at });
      await announceReturn(ctx, trx, s, { receivedAt: at });
      if (announce)
        await ctx.events.publish(
          trx,
          'shipping.delivered',
          {
            shipmentId: s.id,
            orderId: s.order_id,
            deliveredAt: at.toISOString(),
            recipient: s.recipient.recipient,
            sellerId: s.seller_id,
            userId: s.user_id,
            items: s.items,
          },
          publishOptions('shipment', s),
        );
    }
    return s;
  });
}

export { CarrierError };
