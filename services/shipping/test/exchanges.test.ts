import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { pollTracking } from '../src/domain/tracking.ts';
import { advance, deliver, eventsFor, newTrackingNumber, paidOrder, shippingForFile } from './helpers.ts';

const svc = shippingForFile();

/** An exchange of the first seller's shoe (270 → 280), as order publishes it. */
async function exchangeRequested() {
  const { o, shipments } = await paidOrder(svc);
  const shoe = o.items[0]!;
  const event = {
    orderId: o.orderId,
    exchangeId: randomUUID(),
    userId: o.userId,
    sellerId: o.sellers[0],
    reason: '사이즈가 작아요',
    items: [
      { itemId: shoe.itemId, productId: shoe.productId, sku: shoe.sku, newSku: 'NK-AIR-280', quantity: 1 },
    ],
    requestedAt: new Date().toISOString(),
  };
  return { o, delivery: shipments[0], event };
}

const legsOf = (exchangeId: string) =>
  svc.deps.db
    .selectFrom('shipments')
    .selectAll()
    .where('exchange_id', '=', exchangeId)
    .orderBy('kind')
    .execute();

describe('exchanges (교환): a pickup and a new parcel', () => {
  it('books both legs once, however often order.exchange.requested is delivered', async () => {
    const { o, delivery, event } = await exchangeRequested();
    expect((await deliver(svc, 'order.exchange.requested', event)).status).toBe(200);
    expect((await deliver(svc, 'order.exchange.requested', event)).status).toBe(200);
    const [outbound, pickup] = await legsOf(event.exchangeId);
    expect(pickup).toMatchObject({
      kind: 'EXCHANGE_PICKUP',
      return_of: delivery.id,
      seller_id: o.sellers[0],
      status: 'REQUESTED',
      items: [
        {
          itemId: event.items[0]!.itemId,
          productId: event.items[0]!.productId,
          sku: 'NK-AIR-270',
          quantity: 1,
        },
      ],
    });
    expect(outbound).toMatchObject({
      kind: 'EXCHANGE_DELIVERY',
      items: [expect.objectContaining({ sku: 'NK-AIR-280' })],
    });
    const booked = await eventsFor(svc, 'shipping.exchange.requested', o.orderId);
    expect(booked.map((e) => e.data)).toEqual([
      expect.objectContaining({
        exchangeId: event.exchangeId,
        pickupShipmentId: pickup!.id,
        deliveryShipmentId: outbound!.id,
      }),
    ]);
  });

  it('lets the seller dispatch both legs and announces each leg dispatched and delivered through tracking', async () => {
    const { o, event } = await exchangeRequested();
    await deliver(svc, 'order.exchange.requested', event);
    const legs = await legsOf(event.exchangeId);
    const other = await svc.call('POST', `/api/v1/shipments/${legs[0]!.id}/dispatch`, {
      token: await tokenFor(o.sellers[1], 'seller'),
      body: { carrier: 'CJ', trackingNumber: newTrackingNumber() },
    });
    expect(other.status).toBe(404);
    for (const leg of legs) {
      const number = newTrackingNumber();
      const res = await svc.call('POST', `/api/v1/shipments/${leg.id}/dispatch`, {
        token: o.seller[0],
        body: { carrier: 'CJ', trackingNumber: number },
      });
      expect(res.body).toMatchObject({ status: 'DISPATCHED', exchangeId: event.exchangeId, kind: leg.kind });
      await advance(svc, 'CJ', number, 'delivered');
    }
    await pollTracking(svc.ctx, { refreshAfterMs: 0 });
    const dispatched = await eventsFor(svc, 'shipping.exchange.dispatched', o.orderId);
    const delivered = await eventsFor(svc, 'shipping.exchange.delivered', o.orderId);
    expect(dispatched.map((e) => e.data.leg).sort()).toEqual(['DELIVERY', 'PICKUP']);
    expect(delivered.map((e) => [e.data.leg, e.data.exchangeId]).sort()).toEqual([
      ['DELIVERY', event.exchangeId],
      ['PICKUP', event.exchangeId],
    ]);
    // An exchange's legs are not the order's delivery: no shipping.delivered for them.
    expect(await eventsFor(svc, 'shipping.delivered', o.orderId)).toHaveLength(0);
    expect(dispatched[0]!.correlationId).toBe(delivered[0]!.correlationId);
  });

  it('cancels legs not yet dispatched when the exchange is rejected or withdrawn', async () => {
    const { o, event } = await exchangeRequested();
    await deliver(svc, 'order.exchange.requested', event);
    const cancelled = {
      orderId: o.orderId,
      exchangeId: event.exchangeId,
      userId: o.userId,
      sellerId: o.sellers[0],
      status: 'REJECTED',
      reason: '사용 흔적',
      cancelledAt: new Date().toISOString(),
    };
    await deliver(svc, 'order.exchange.cancelled', cancelled);
    expect((await legsOf(event.exchangeId)).map((l) => l.status)).toEqual(['CANCELLED', 'CANCELLED']);
    const [leg] = await legsOf(event.exchangeId);
    const res = await svc.call('POST', `/api/v1/shipments/${leg!.id}/dispatch`, {
      token: o.seller[0],
      body: { carrier: 'CJ', trackingNumber: newTrackingNumber() },
    });
    expect([res.status, res.body.code]).toEqual([409, 'SHIPMENT_CANCELLED']);
  });
});
