import { conflict, notFound, type Principal, publishOptions } from '@mp/platform';
import type { Carrier } from '../db/schema.ts';
import type { Shipment, ShippingContext } from './context.ts';
import { announceLeg } from './exchanges.ts';

/**
 * The seller hands the parcel to a carrier (발송): carrier and tracking number (운송장번호),
 * shipping.dispatched. Only the shipment's seller may; another's shipment is not found. Sending
 * the same again is answered the same; a different tracking number once dispatched is a conflict.
 */
export async function dispatchShipment(
  ctx: ShippingContext,
  by: Principal,
  id: string,
  input: { carrier: Carrier; trackingNumber: string },
): Promise<Shipment> {
  const trackingNumber = input.trackingNumber.replaceAll('-', '');
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const s = await trx
        .selectFrom('shipments')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!s || (by.role !== 'admin' && s.seller_id !== by.userId))
        throw notFound('SHIPMENT_NOT_FOUND', 'No such shipment of yours');
      if (s.status === 'CANCELLED')
        throw conflict('SHIPMENT_CANCELLED', 'The order was cancelled; do not send it');
      if (s.status !== 'REQUESTED') {
        if (s.carrier === input.carrier && s.tracking_number === trackingNumber) return s;
        throw conflict(
          'SHIPMENT_ALREADY_DISPATCHED',
          `This shipment was dispatched with ${s.carrier} ${s.tracking_number}`,
        );
      }
      const now = new Date();
      const estimated = new Date(now.getTime() + ctx.deliveryDays * 86_400_000);
      const sent = await trx
        .updateTable('shipments')
        .set({
          status: 'DISPATCHED',
          carrier: input.carrier,
          tracking_number: trackingNumber,
          dispatched_at: now,
          estimated_delivery: estimated,
          updated_at: now,
        })
        .where('id', '=', s.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (s.kind === 'DELIVERY')
        await ctx.events.publish(
          trx,
          'shipping.dispatched',
          {
            shipmentId: s.id,
            orderId: s.order_id,
            carrier: input.carrier,
            trackingNumber,
            estimatedDelivery: estimated.toISOString(),
            dispatchedAt: now.toISOString(),
            sellerId: s.seller_id,
          },
          publishOptions('shipment', s),
        );
      await announceLeg(ctx, trx, sent, { dispatchedAt: now });
      return sent;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw conflict('TRACKING_NUMBER_IN_USE', 'This tracking number is already on another shipment', {
        errors: [{ path: 'trackingNumber', message: 'already used with this carrier', in: 'body' }],
      });
    throw err;
  }
}
