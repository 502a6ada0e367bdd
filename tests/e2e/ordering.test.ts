/**
 * An order from placing to delivery, and cancellation and refund, through the gateway and
 * real Dapr: every service the flow touches is asked for its final state, and the admin monitor
 * shows the saga's events in order under one correlation id.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually } from './lib.ts';
import {
  address,
  adminCoupon,
  buyer,
  category,
  claim,
  inOrder,
  type Listed,
  listedProduct,
  myCoupon,
  orderOf,
  orderReaches,
  type Party,
  pay,
  paymentOf,
  sagaShows,
  shipAndDeliver,
  stockOf,
  verifiedSeller,
} from './ordering-lib.ts';

let admin: string;
let sellerA: Party;
let sellerB: Party;
let shoe: Listed;
let tee: Listed;
beforeAll(async () => {
  admin = await adminToken();
  [sellerA, sellerB] = [await verifiedSeller(admin), await verifiedSeller(admin)];
  const categoryId = await category(admin);
  shoe = await listedProduct(admin, sellerA, { categoryId, name: '가벼운 러닝화', price: 59_000, stock: 50 });
  tee = await listedProduct(admin, sellerB, {
    categoryId,
    name: '기능성 티셔츠',
    price: 23_000,
    priceDelta: 2_000,
    stock: 50,
  });
});

const correlation = (tag: string) => ({ 'x-correlation-id': `e2e-${tag}-${randomUUID()}` });

async function placeOrder(who: Party, body: Record<string, unknown>, headers: Record<string, string>) {
  const res = await api('POST', '/api/v1/orders', {
    token: who.token,
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: { shippingAddress: address, paymentMethod: 'card', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('an order: two sellers, a coupon, paid, shipped, delivered, confirmed (구매확정)', () => {
  it('ends COMPLETED with stock sold and the coupon used, and the monitor shows the saga in order', async () => {
    const who = await buyer();
    const couponId = await adminCoupon(admin);
    await claim(who, couponId);
    const headers = correlation('flow41');
    const before = { shoe: (await stockOf(sellerA, shoe.sku))!, tee: (await stockOf(sellerB, tee.sku))! };

    // The cart: added, merged, then ordered whole at checkout prices.
    await api('POST', '/api/v1/cart/items', {
      token: who.token,
      headers,
      body: { productId: shoe.productId, sku: shoe.sku, quantity: 1 },
    });
    await api('POST', '/api/v1/cart/items', {
      token: who.token,
      headers,
      body: { productId: tee.productId, sku: tee.sku, quantity: 1 },
    });
    const cart = await api('POST', '/api/v1/cart/items', {
      token: who.token,
      headers,
      body: { productId: tee.productId, sku: tee.sku, quantity: 1 },
    });
    expect(cart.body).toMatchObject({ totalAmount: 59_000 + 2 * 25_000, shippingFee: 0 });
    const order = await placeOrder(
      who,
      { fromCart: true, couponId, expectedPayableAmount: cart.body.payableAmount - 5000 },
      headers,
    );
    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      totalAmount: 109_000,
      discountAmount: 5000,
      payableAmount: 104_000,
    });
    expect(order.sellerIds.sort()).toEqual([sellerA.id, sellerB.id].sort());
    expect((await stockOf(sellerB, tee.sku))!.reserved).toBe(before.tee.reserved + 2);

    const paid = await pay(who, order, headers);
    expect([paid.status, paid.body.status], JSON.stringify(paid.body)).toEqual([200, 'DONE']);
    await orderReaches(who, order.id, 'PREPARING');
    const shipments = await shipAndDeliver(order, [sellerA, sellerB], headers);
    await orderReaches(who, order.id, 'DELIVERED');
    const confirmed = await api('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token, headers });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

    // Order
    const final = await orderOf(who, order.id);
    expect(final.status).toBe('COMPLETED');
    expect(final.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING_PAYMENT',
      'PAID',
      'PREPARING',
      'SHIPPING',
      'DELIVERED',
      'COMPLETED',
    ]);
    // Payment
    const payment = await paymentOf(who, order.id);
    expect(payment).toMatchObject({ status: 'DONE', amount: 104_000, refundedAmount: 0 });
    // Shipping: one per seller, delivered, tracked
    for (const s of shipments) {
      const view = await api('GET', `/api/v1/shipments/${s.id}`, { token: who.token });
      expect(view.body).toMatchObject({
        status: 'DELIVERED',
        carrier: s.carrier,
        trackingNumber: s.trackingNumber,
      });
      expect(view.body.tracking.at(-1).kind).toBe('배달완료');
    }
    // Inventory: sold (on hand down, nothing left reserved)
    await eventually(
      async () => {
        const [a, b] = [await stockOf(sellerA, shoe.sku), await stockOf(sellerB, tee.sku)];
        return (
          a?.onHand === before.shoe.onHand - 1 &&
          b?.onHand === before.tee.onHand - 2 &&
          a.reserved === before.shoe.reserved &&
          b.reserved === before.tee.reserved
        );
      },
      20_000,
      'the stock sold',
    );
    // Coupon: used by this order; cart: emptied
    expect(await myCoupon(who, couponId)).toMatchObject({ status: 'USED', orderId: order.id });
    expect((await api('GET', '/api/v1/cart', { token: who.token })).body.items).toEqual([]);

    // The monitor: one correlation id, the saga in order.
    const events = await sagaShows(admin, headers['x-correlation-id'], [
      'order.created',
      'inventory.reserved',
      'coupon.used',
      'payment.requested',
      'payment.completed',
      'shipping.requested',
      'shipping.requested',
      'shipping.dispatched',
      'shipping.dispatched',
      'shipping.in_transit',
      'shipping.delivered',
      'shipping.delivered',
      'order.item.confirmed',
      'order.item.confirmed',
      'order.completed',
    ]);
    expect(events.every((e) => e.valid && !e.deadLetter)).toBe(true);
    inOrder(events, [
      'inventory.reserved',
      'order.created',
      'payment.requested',
      'payment.completed',
      'shipping.requested',
      'shipping.dispatched',
      'shipping.in_transit',
      'shipping.delivered',
      'order.completed',
    ]);
    inOrder(events, ['order.created', 'coupon.used']);
  });
});

describe('cancellation and refunds', () => {
  it('cancels after payment: refunded in full, stock and coupon restored, shipments cancelled', async () => {
    const who = await buyer();
    const couponId = await adminCoupon(admin);
    await claim(who, couponId);
    const headers = correlation('flow42-cancel');
    const before = { shoe: (await stockOf(sellerA, shoe.sku))!, tee: (await stockOf(sellerB, tee.sku))! };
    const order = await placeOrder(
      who,
      {
        items: [
          { productId: shoe.productId, sku: shoe.sku, quantity: 1 },
          { productId: tee.productId, sku: tee.sku, quantity: 1 },
        ],
        couponId,
      },
      headers,
    );
    expect((await pay(who, order, headers)).body.status).toBe('DONE');
    await orderReaches(who, order.id, 'PREPARING');
    await eventually(
      async () => (await orderOf(who, order.id)).shipments.length === 2,
      20_000,
      'both shipments requested',
    );

    const cancel = await api('POST', `/api/v1/orders/${order.id}/cancel`, {
      token: who.token,
      headers,
      body: { reason: '단순변심' },
    });
    expect([cancel.status, cancel.body.status]).toEqual([200, 'CANCELLED']);
    const final = await orderReaches(who, order.id, 'REFUNDED');
    expect(final.refundedAmount).toBe(order.payableAmount);
    expect(final.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING_PAYMENT',
      'PAID',
      'PREPARING',
      'CANCELLED',
      'REFUNDED',
    ]);

    const payment = await paymentOf(who, order.id);
    expect(payment).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: order.payableAmount,
      balanceAmount: 0,
    });
    const shipments = await api('GET', `/api/v1/shipments?orderId=${order.id}`, { token: who.token });
    expect(shipments.body.items.map((s: { status: string }) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
    await eventually(
      async () => {
        const [a, b] = [await stockOf(sellerA, shoe.sku), await stockOf(sellerB, tee.sku)];
        return (
          a?.onHand === before.shoe.onHand &&
          b?.onHand === before.tee.onHand &&
          a.reserved === before.shoe.reserved &&
          b.reserved === before.tee.reserved
        );
      },
      20_000,
      'the stock restored',
    );
    await eventually(
      async () => (await myCoupon(who, couponId))?.status === 'ISSUED',
      20_000,
      'the coupon restored',
    );

    const events = await sagaShows(admin, headers['x-correlation-id'], [
      'order.created',
      'payment.completed',
      'order.cancelled',
      'payment.refunded',
      'order.refund.completed',
    ]);
    inOrder(events, [
      'order.created',
      'payment.completed',
      'order.cancelled',
      'payment.refunded',
      'order.refund.completed',
    ]);
  });

  it('refunds part of a delivered order once its return is inspected: the item back to the seller, the rest kept', async () => {
    const who = await buyer();
    const headers = correlation('flow42-refund');
    const order = await placeOrder(
      who,
      {
        items: [
          { productId: shoe.productId, sku: shoe.sku, quantity: 1 },
          { productId: tee.productId, sku: tee.sku, quantity: 2 },
        ],
      },
      headers,
    );
    expect((await pay(who, order, headers)).body.status).toBe('DONE');
    await orderReaches(who, order.id, 'PREPARING');
    await shipAndDeliver(order, [sellerA, sellerB], headers);
    await orderReaches(who, order.id, 'DELIVERED');

    const teeItem = order.items.find((i: { sku: string }) => i.sku === tee.sku);
    const asked = await api('POST', `/api/v1/orders/${order.id}/refund-requests`, {
      token: who.token,
      headers,
      body: {
        reason: '한 벌은 불량이에요',
        returnReason: 'SELLER_FAULT',
        items: [{ itemId: teeItem.id, quantity: 1 }],
      },
    });
    expect([asked.status, asked.body.status], JSON.stringify(asked.body)).toEqual([201, 'REFUND_REQUESTED']);
    // The pickup is booked with the carrier (반품 회수) and comes back to seller B.
    const pickup = await eventually(
      async () => {
        const r = (
          await api('GET', `/api/v1/shipments?orderId=${order.id}&kind=RETURN`, { token: sellerB.token })
        ).body.items?.[0];
        return r?.trackingNumber ? r : undefined;
      },
      30_000,
      'the pickup booked',
    );
    expect(pickup).toMatchObject({ sellerId: sellerB.id, items: [{ sku: tee.sku, quantity: 1 }] });
    await api('POST', `/sandbox/carrier/parcels/${pickup.carrier}/${pickup.trackingNumber}/advance`, {
      body: { to: 'delivered' },
    });
    const requestId = asked.body.refundRequests[0].id;
    await eventually(
      async () => (await orderOf(who, order.id)).refundRequests[0].status === 'RECEIVED',
      30_000,
      'the return received',
    );
    const inspected = await api(
      'POST',
      `/api/v1/orders/${order.id}/refund-requests/${requestId}/inspection`,
      {
        token: sellerB.token,
        headers,
        body: { result: 'ACCEPTED' },
      },
    );
    expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
    const final = await orderReaches(who, order.id, 'PARTIALLY_REFUNDED');
    expect(final.refundedAmount).toBe(25_000);
    expect(final.items.find((i: { sku: string }) => i.sku === tee.sku)).toMatchObject({
      refundedQuantity: 1,
      quantity: 2,
    });
    expect(final.refundRequests).toMatchObject([
      { amount: 25_000, status: 'COMPLETED', returnShippingFee: 0 },
    ]);

    expect(await paymentOf(who, order.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: 25_000,
      balanceAmount: order.payableAmount - 25_000,
    });

    const events = await sagaShows(admin, headers['x-correlation-id'], [
      'order.refund.requested',
      'shipping.return.requested',
      'payment.refunded',
      'order.refund.completed',
    ]);
    inOrder(events, [
      'shipping.delivered',
      'order.refund.requested',
      'order.return.inspected',
      'payment.refunded',
      'order.refund.completed',
    ]);
    inOrder(events, ['order.refund.requested', 'shipping.return.requested']);
  });
});

describe('a payment declined by the PG', () => {
  it('fails the order (PAYMENT_FAILED) and gives back its stock and its coupon', async () => {
    const who = await buyer();
    const couponId = await adminCoupon(admin);
    await claim(who, couponId);
    const headers = correlation('declined');
    const before = (await stockOf(sellerA, shoe.sku))!;
    const order = await placeOrder(
      who,
      { items: [{ productId: shoe.productId, sku: shoe.sku, quantity: 2 }], couponId },
      headers,
    );
    expect((await stockOf(sellerA, shoe.sku))!.reserved).toBe(before.reserved + 2);

    const declined = await pay(who, order, headers, 'decline');
    expect([declined.status, declined.body.code, declined.body.pgCode]).toEqual([
      422,
      'PAYMENT_DECLINED',
      'REJECT_CARD_PAYMENT',
    ]);
    const final = await orderReaches(who, order.id, 'PAYMENT_FAILED');
    expect(final.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING_PAYMENT',
      'PAYMENT_FAILED',
    ]);
    expect(await paymentOf(who, order.id)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'REJECT_CARD_PAYMENT' },
    });
    await eventually(
      async () => {
        const s = await stockOf(sellerA, shoe.sku);
        return s?.reserved === before.reserved && s.onHand === before.onHand;
      },
      20_000,
      'the stock released',
    );
    await eventually(
      async () => (await myCoupon(who, couponId))?.status === 'ISSUED',
      20_000,
      'the coupon back',
    );
    const shipments = await api('GET', `/api/v1/shipments?orderId=${order.id}`, { token: who.token });
    expect(shipments.body.items).toEqual([]);

    const events = await sagaShows(admin, headers['x-correlation-id'], [
      'order.created',
      'payment.requested',
      'payment.failed',
      'order.cancelled',
    ]);
    inOrder(events, ['order.created', 'payment.requested', 'payment.failed', 'order.cancelled']);
    expect(events.find((e) => e.eventType === 'order.cancelled')).toBeTruthy();
  });
});

describe('the same order posted twice with one Idempotency-Key', () => {
  it('makes one order, one reservation, one payment', async () => {
    const who = await buyer();
    const before = (await stockOf(sellerB, tee.sku))!;
    const key = randomUUID();
    const body = {
      items: [{ productId: tee.productId, sku: tee.sku, quantity: 3 }],
      shippingAddress: address,
      paymentMethod: 'card',
    };
    const [a, b] = [
      await api('POST', '/api/v1/orders', { token: who.token, headers: { 'idempotency-key': key }, body }),
      await api('POST', '/api/v1/orders', { token: who.token, headers: { 'idempotency-key': key }, body }),
    ];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const mine = await api('GET', '/api/v1/orders', { token: who.token });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([a.body.id]);
    expect((await stockOf(sellerB, tee.sku))!.reserved).toBe(before.reserved + 3);
    await paymentOf(who, a.body.id);
    const payments = await api('GET', `/api/v1/payments?orderId=${a.body.id}`, { token: who.token });
    expect(payments.body.items).toHaveLength(1);
  });
});
