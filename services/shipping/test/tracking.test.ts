import { describe, expect, it } from 'vitest';
import { pollTracking } from '../src/domain/tracking.ts';
import {
  advance,
  eventsFor,
  newTrackingNumber,
  paidOrder,
  shippingForFile,
  startShipping,
} from './helpers.ts';

const svc = shippingForFile();

async function dispatched(carrier = 'CJ') {
  const { o, shipments } = await paidOrder(svc);
  const number = newTrackingNumber();
  const res = await svc.call('POST', `/api/v1/shipments/${shipments[0].id}/dispatch`, {
    token: o.seller[0],
    body: { carrier, trackingNumber: number },
  });
  expect(res.status).toBe(200);
  return { o, shipment: shipments[0], number };
}
const poll = () => pollTracking(svc.ctx, { refreshAfterMs: 0 });
const statusOf = async (id: string) =>
  (await svc.deps.db.selectFrom('shipments').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;

describe('tracking through the carrier', () => {
  it('moves a parcel through 집화 → 배송중 → 배달완료, announcing in_transit and delivered once each', async () => {
    const { o, shipment, number } = await dispatched('CJ');
    await poll();
    expect(await statusOf(shipment.id)).toBe('DISPATCHED');
    await advance(svc, 'CJ', number, 'in_transit');
    await poll();
    expect(await statusOf(shipment.id)).toBe('IN_TRANSIT');
    await advance(svc, 'CJ', number, 'delivered');
    await poll();
    await poll();
    expect(await statusOf(shipment.id)).toBe('DELIVERED');
    expect((await eventsFor(svc, 'shipping.in_transit', o.orderId)).map((e) => e.data.location)).toEqual([
      '서울송파',
    ]);
    const [delivered, ...more] = await eventsFor(svc, 'shipping.delivered', o.orderId);
    expect(more).toHaveLength(0);
    expect(delivered?.data).toMatchObject({
      shipmentId: shipment.id,
      recipient: '김철수',
      userId: o.userId,
      sellerId: o.sellers[0],
      items: shipment.items,
    });
    const view = await svc.call('GET', `/api/v1/shipments/${shipment.id}`, { token: o.buyer });
    expect(view.body.tracking.map((t: { kind: string }) => t.kind)).toEqual([
      '접수',
      '집화처리',
      '간선상차',
      '간선하차',
      '배송출발',
      '배달완료',
    ]);
  });

  it('announces in_transit before delivered when a parcel is delivered between two polls', async () => {
    const { o, number } = await dispatched('POST');
    await advance(svc, 'POST', number, 'delivered');
    await poll();
    expect((await eventsFor(svc, 'shipping.in_transit', o.orderId)).length).toBe(1);
    expect((await eventsFor(svc, 'shipping.delivered', o.orderId)).length).toBe(1);
  });

  it('fails a parcel the carrier could not deliver (배달불가)', async () => {
    const { o, shipment, number } = await dispatched('LOGEN');
    await advance(svc, 'LOGEN', number, 'failed');
    await poll();
    expect(await statusOf(shipment.id)).toBe('FAILED');
    const [failed] = await eventsFor(svc, 'shipping.failed', o.orderId);
    expect(failed?.data.reason).toBe('배달불가');
  });

  it('refreshes one shipment on demand', async () => {
    const { o, shipment, number } = await dispatched('HANJIN');
    await advance(svc, 'HANJIN', number, 'delivered');
    const res = await svc.call('POST', `/api/v1/shipments/${shipment.id}/tracking/refresh`, {
      token: o.buyer,
    });
    expect(res.body.status).toBe('DELIVERED');
  });

  it('delivers by itself when the sandbox advances on every query', async () => {
    const auto = await startShipping({ CARRIER_SANDBOX_AUTO_ADVANCE: 'true' });
    try {
      const { o, shipments } = await paidOrder(auto);
      await auto.call('POST', `/api/v1/shipments/${shipments[1].id}/dispatch`, {
        token: o.seller[1],
        body: { carrier: 'LOTTE', trackingNumber: newTrackingNumber() },
      });
      for (let i = 0; i < 6; i++) await pollTracking(auto.ctx, { refreshAfterMs: 0 });
      expect((await eventsFor(auto, 'shipping.delivered', o.orderId)).length).toBe(1);
    } finally {
      await auto.close();
    }
  });
});

describe('the carrier sandbox', () => {
  it('speaks the tracking API: a wrong key or carrier code is refused', async () => {
    const wrong = await svc.call(
      'GET',
      '/sandbox/carrier/api/v1/trackingInfo?t_key=nope&t_code=04&t_invoice=123456789012',
    );
    expect(wrong.body).toMatchObject({ status: false, code: '101' });
    const code = await svc.call(
      'GET',
      '/sandbox/carrier/api/v1/trackingInfo?t_key=sandbox-tracker-key&t_code=99&t_invoice=123456789012',
    );
    expect(code.body).toMatchObject({ status: false, code: '102' });
  });
});

describe('one correlation id per order saga', () => {
  it('puts the order’s correlation id on shipping events, from a seller’s request or the poller alike', async () => {
    const o = await (await import('./helpers.ts')).twoSellerOrder();
    const { deliver, orderCreated, paymentCompleted } = await import('./helpers.ts');
    await deliver(svc, 'order.created', orderCreated(o), 'saga-ship-1');
    await deliver(svc, 'payment.completed', paymentCompleted(o), 'saga-ship-1');
    const [s] = await svc.deps.db
      .selectFrom('shipments')
      .selectAll()
      .where('order_id', '=', o.orderId)
      .where('seller_id', '=', o.sellers[0])
      .execute();
    const number = newTrackingNumber();
    await svc.call('POST', `/api/v1/shipments/${s!.id}/dispatch`, {
      token: o.seller[0],
      body: { carrier: 'CJ', trackingNumber: number },
      headers: { 'x-correlation-id': 'the-seller-request' },
    });
    await advance(svc, 'CJ', number, 'delivered');
    await poll();
    const all = (await svc.outbox()).filter((e) => e.data.orderId === o.orderId);
    expect(all.map((e) => e.eventType)).toEqual([
      'shipping.requested',
      'shipping.requested',
      'shipping.dispatched',
      'shipping.in_transit',
      'shipping.delivered',
    ]);
    expect(new Set(all.map((e) => e.correlationId))).toEqual(new Set(['saga-ship-1']));
  });
});
