import { randomUUID } from 'node:crypto';
import { subscriptionsOf } from '@mp/contracts';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import {
  deliver,
  eventsFor,
  internal,
  newTrackingNumber,
  orderCancelled,
  orderCreated,
  paidOrder,
  paymentCompleted,
  shippingForFile,
  twoSellerOrder,
} from './helpers.ts';

const svc = shippingForFile();

const dispatch = (id: string, token: string, body: unknown) =>
  svc.call('POST', `/api/v1/shipments/${id}/dispatch`, { token, body });

describe('shipments on payment', () => {
  it('requests one shipment per seller with its items, once', async () => {
    const { o, shipments } = await paidOrder(svc);
    await deliver(svc, 'payment.completed', paymentCompleted(o));
    expect(shipments.map((s) => [s.status, s.items.map((i) => i.sku).sort()])).toEqual([
      ['REQUESTED', ['NK-AIR-270', 'NK-SOCK-3P']],
      ['REQUESTED', ['MJ-TEE-M']],
    ]);
    expect(shipments[0].recipient).toMatchObject({ recipient: '김철수', zipCode: '06236' });
    const requested = await eventsFor(svc, 'shipping.requested', o.orderId);
    expect(requested.map((e) => e.data.sellerId).sort()).toEqual([...o.sellers].sort());
    expect(
      await svc.deps.db.selectFrom('shipments').select('id').where('order_id', '=', o.orderId).execute(),
    ).toHaveLength(2);
  });

  it('asks for the payment again when it overtook order.created', async () => {
    const o = await twoSellerOrder();
    expect((await deliver(svc, 'payment.completed', paymentCompleted(o))).body.status).toBe('RETRY');
    await deliver(svc, 'order.created', orderCreated(o));
    expect((await deliver(svc, 'payment.completed', paymentCompleted(o))).body.status).toBe('SUCCESS');
    expect(await eventsFor(svc, 'shipping.requested', o.orderId)).toHaveLength(2);
  });

  it('requests nothing for an order cancelled before its payment arrived', async () => {
    const o = await twoSellerOrder();
    await deliver(svc, 'order.cancelled', orderCancelled(o));
    await deliver(svc, 'order.created', orderCreated(o));
    expect((await deliver(svc, 'payment.completed', paymentCompleted(o))).body.status).toBe('SUCCESS');
    expect(await eventsFor(svc, 'shipping.requested', o.orderId)).toHaveLength(0);
  });
});

describe('dispatch (발송)', () => {
  it("lets the shipment's seller dispatch once with carrier and tracking number (shipping.dispatched)", async () => {
    const { o, shipments } = await paidOrder(svc);
    const number = newTrackingNumber();
    const res = await dispatch(shipments[0].id, o.seller[0], { carrier: 'CJ', trackingNumber: number });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'DISPATCHED', carrier: 'CJ', trackingNumber: number });
    expect(Date.parse(res.body.estimatedDelivery)).toBeGreaterThan(Date.now());
    expect(
      (await dispatch(shipments[0].id, o.seller[0], { carrier: 'CJ', trackingNumber: number })).status,
    ).toBe(200);
    const [event, ...more] = await eventsFor(svc, 'shipping.dispatched', o.orderId);
    expect(more).toHaveLength(0);
    expect(event?.data).toMatchObject({
      shipmentId: shipments[0].id,
      carrier: 'CJ',
      trackingNumber: number,
      sellerId: o.sellers[0],
    });
    const other = await dispatch(shipments[0].id, o.seller[0], {
      carrier: 'CJ',
      trackingNumber: newTrackingNumber(),
    });
    expect([other.status, other.body.code]).toEqual([409, 'SHIPMENT_ALREADY_DISPATCHED']);
  });

  it("answers another seller's shipment as not found, and refuses buyers", async () => {
    const { o, shipments } = await paidOrder(svc);
    const res = await dispatch(shipments[0].id, o.seller[1], {
      carrier: 'CJ',
      trackingNumber: newTrackingNumber(),
    });
    expect([res.status, res.body.code]).toEqual([404, 'SHIPMENT_NOT_FOUND']);
    expect(
      (await dispatch(shipments[0].id, o.buyer, { carrier: 'CJ', trackingNumber: newTrackingNumber() }))
        .status,
    ).toBe(403);
  });

  it('names bad fields and refuses a tracking number already in use', async () => {
    const { o, shipments } = await paidOrder(svc);
    const bad = await dispatch(shipments[0].id, o.seller[0], { carrier: 'FEDEX', trackingNumber: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'carrier',
      'trackingNumber',
    ]);
    const number = newTrackingNumber();
    await dispatch(shipments[0].id, o.seller[0], { carrier: 'LOTTE', trackingNumber: number });
    const again = await dispatch(shipments[1].id, o.seller[1], { carrier: 'LOTTE', trackingNumber: number });
    expect([again.status, again.body.code]).toEqual([409, 'TRACKING_NUMBER_IN_USE']);
  });
});

describe('cancellation and returns', () => {
  it('cancels shipments not yet dispatched; a cancelled one cannot be dispatched', async () => {
    const { o, shipments } = await paidOrder(svc);
    await deliver(svc, 'order.cancelled', orderCancelled(o));
    const rows = await svc.deps.db
      .selectFrom('shipments')
      .select('status')
      .where('order_id', '=', o.orderId)
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
    const res = await dispatch(shipments[0].id, o.seller[0], {
      carrier: 'CJ',
      trackingNumber: newTrackingNumber(),
    });
    expect([res.status, res.body.code]).toEqual([409, 'SHIPMENT_CANCELLED']);
  });

  it('brings back as a return a parcel dispatched while the order was being cancelled', async () => {
    const { o, shipments } = await paidOrder(svc);
    await dispatch(shipments[0].id, o.seller[0], { carrier: 'HANJIN', trackingNumber: newTrackingNumber() });
    await deliver(svc, 'order.cancelled', orderCancelled(o));
    const [ret] = await eventsFor(svc, 'shipping.return.requested', o.orderId);
    expect(ret?.data).toMatchObject({ shipmentId: shipments[0].id, sellerId: o.sellers[0] });
    expect(
      (
        await svc.deps.db
          .selectFrom('shipments')
          .select('status')
          .where('id', '=', shipments[1].id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('CANCELLED');
  });

  it("books one return per seller for a refund request's items (반품 회수)", async () => {
    const { o, shipments } = await paidOrder(svc);
    const refundRequestId = randomUUID();
    const event = {
      orderId: o.orderId,
      userId: o.userId,
      refundRequestId,
      reason: '사이즈 교환 불가',
      amount: 9_900,
      items: [{ itemId: o.items[1]!.itemId, sellerId: o.sellers[0], quantity: 1, amount: 9_900 }],
      requestedAt: new Date().toISOString(),
    };
    await deliver(svc, 'order.refund.requested', event);
    await deliver(svc, 'order.refund.requested', event);
    const returns = await svc.deps.db
      .selectFrom('shipments')
      .selectAll()
      .where('order_id', '=', o.orderId)
      .where('kind', '=', 'RETURN')
      .execute();
    expect(returns).toHaveLength(1);
    expect(returns[0]).toMatchObject({
      return_of: shipments[0].id,
      refund_request_id: refundRequestId,
      status: 'REQUESTED',
    });
    expect(returns[0]!.items).toEqual([
      { itemId: o.items[1]!.itemId, productId: o.items[1]!.productId, sku: 'NK-SOCK-3P', quantity: 1 },
    ]);
    const [announced] = await eventsFor(svc, 'shipping.return.requested', o.orderId);
    expect(announced?.data).toMatchObject({ returnShipmentId: returns[0]!.id, refundRequestId });
  });
});

describe('visibility', () => {
  it('shows shipments to their buyer, their seller and admins; others get 404', async () => {
    const { o, shipments } = await paidOrder(svc);
    const mine = await svc.call('GET', `/api/v1/shipments?orderId=${o.orderId}`, { token: o.buyer });
    expect(mine.body.items).toHaveLength(2);
    const sellerView = await svc.call('GET', `/api/v1/shipments?orderId=${o.orderId}`, {
      token: o.seller[1],
    });
    expect(sellerView.body.items.map((s: { id: string }) => s.id)).toEqual([shipments[1].id]);
    const stranger = await tokenFor(randomUUID(), 'buyer');
    expect((await svc.call('GET', `/api/v1/shipments/${shipments[0].id}`, { token: stranger })).status).toBe(
      404,
    );
    expect(
      (await svc.call('GET', `/api/v1/shipments/${shipments[0].id}`, { token: o.seller[1] })).status,
    ).toBe(404);
    expect(
      (await svc.call('GET', `/api/v1/shipments/${shipments[0].id}`, { token: await tokenFor('a', 'admin') }))
        .status,
    ).toBe(200);
    expect((await svc.call('GET', '/api/v1/shipments')).status).toBe(401);
  });
});

describe('the service', () => {
  it('subscribes to exactly the topics the catalog gives it and drops malformed deliveries', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('shipping')].sort(),
    );
    for (const topic of subscriptionsOf('shipping')) {
      const bad = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'x', eventType: topic } },
        headers: internal,
      });
      expect(bad.body, topic).toEqual({ status: 'DROP' });
    }
  });
});

describe('ids in paths', () => {
  it('answers an id that is not a shipment id as not found, like an unknown one', async () => {
    const seller = await tokenFor(randomUUID(), 'seller');
    expect((await svc.call('GET', '/api/v1/shipments/nope', { token: seller })).body.code).toBe(
      'SHIPMENT_NOT_FOUND',
    );
    const res = await svc.call('POST', '/api/v1/shipments/nope/dispatch', {
      token: seller,
      body: { carrier: 'CJ', trackingNumber: '123456789012' },
    });
    expect([res.status, res.body.code]).toEqual([404, 'SHIPMENT_NOT_FOUND']);
  });
});
