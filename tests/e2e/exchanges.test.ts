/**
 * 교환 end to end, through the gateway and real Dapr: a delivered tee in M is exchanged for L —
 * the order reserves L (inventory), shipping books the pickup and the new parcel, the seller
 * dispatches both, the carrier sandbox delivers both, inventory takes M back and sells L; the order
 * stays DELIVERED, then is confirmed; the monitor shows the whole exchange under the order's id.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually } from './lib.ts';
import {
  address,
  buyer,
  category,
  inOrder,
  orderOf,
  orderReaches,
  type Party,
  pay,
  sagaShows,
  shipAndDeliver,
  stockOf,
  verifiedSeller,
} from './ordering-lib.ts';

let admin: string;
let seller: Party;
let productId: string;
const sku = (size: string) => `EXC-${size}-${randomUUID().slice(0, 8)}`;
const [M, L, XL] = [sku('M'), sku('L'), sku('XL')];

beforeAll(async () => {
  admin = await adminToken();
  seller = await verifiedSeller(admin);
  const created = await api('POST', '/api/v1/products', {
    token: seller.token,
    body: {
      name: '오버핏 후드티',
      description: '교환 흐름 테스트 상품',
      price: 39_000,
      categoryId: await category(admin),
      brand: '테스트',
      options: [
        { sku: M, values: { 사이즈: 'M' }, priceDelta: 0, stock: 10 },
        { sku: L, values: { 사이즈: 'L' }, priceDelta: 0, stock: 10 },
        { sku: XL, values: { 사이즈: 'XL' }, priceDelta: 2_000, stock: 10 },
      ],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  productId = created.body.id;
  const approved = await api('PATCH', `/api/v1/admin/products/${productId}/approve`, { token: admin });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await eventually(async () => (await stockOf(seller, L))?.onHand === 10, 20_000, 'stock of L');
});

let invoice = Date.now() % 10_000_000;
const trackingNumber = () => String(700_000_000_000 + invoice++ * 7 + Math.floor(Math.random() * 7));

describe('교환: size M for L after delivery', () => {
  it('collects M, delivers L, restocks M and sells L; the order stays DELIVERED, then COMPLETED', async () => {
    const who = await buyer('exchange');
    const headers = { 'x-correlation-id': `e2e-exchange-${randomUUID()}` };
    const placed = await api('POST', '/api/v1/orders', {
      token: who.token,
      headers: { ...headers, 'idempotency-key': randomUUID() },
      body: { shippingAddress: address, paymentMethod: 'card', items: [{ productId, sku: M, quantity: 1 }] },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = placed.body;
    expect((await pay(who, order, headers)).body.status).toBe('DONE');
    await orderReaches(who, order.id, 'PREPARING');
    await shipAndDeliver(order, [seller], headers);
    await orderReaches(who, order.id, 'DELIVERED');
    await eventually(async () => (await stockOf(seller, M))?.onHand === 9, 20_000, 'M sold');

    const itemId = order.items[0].id;
    const ask = (newSku: string) =>
      api('POST', `/api/v1/orders/${order.id}/exchanges`, {
        token: who.token,
        headers,
        body: { reason: '사이즈가 작아요', items: [{ itemId, quantity: 1, newSku }] },
      });
    const dearer = await ask(XL);
    expect([dearer.status, dearer.body.code]).toEqual([409, 'EXCHANGE_PRICE_MISMATCH']);
    const asked = await ask(L);
    expect([asked.status, asked.body.status], JSON.stringify(asked.body)).toEqual([201, 'REQUESTED']);
    expect(await stockOf(seller, L)).toMatchObject({ onHand: 10, reserved: 1 });
    const early = await api('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token, headers });
    expect([early.status, early.body.code]).toEqual([409, 'EXCHANGE_OPEN']);

    // The seller sends both legs: the pickup of M (회수) and the parcel with L.
    for (const kind of ['EXCHANGE_PICKUP', 'EXCHANGE_DELIVERY']) {
      const leg = await eventually(
        async () =>
          (await api('GET', `/api/v1/shipments?orderId=${order.id}&kind=${kind}`, { token: seller.token }))
            .body.items?.[0],
        30_000,
        `the ${kind} leg`,
      );
      expect(leg.items).toEqual([
        expect.objectContaining({ sku: kind === 'EXCHANGE_PICKUP' ? M : L, quantity: 1 }),
      ]);
      const number = trackingNumber();
      const sent = await api('POST', `/api/v1/shipments/${leg.id}/dispatch`, {
        token: seller.token,
        headers,
        body: { carrier: 'CJ', trackingNumber: number },
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      const moved = await api('POST', `/sandbox/carrier/parcels/CJ/${number}/advance`, {
        body: { to: 'delivered' },
      });
      expect(moved.body.complete).toBe(true);
    }

    const done = await eventually(
      async () => {
        const o = await orderOf(who, order.id);
        return o.exchanges[0]?.status === 'COMPLETED' ? o : undefined;
      },
      60_000,
      'the exchange to complete',
    );
    expect(done.status).toBe('DELIVERED');
    expect(done.exchanges[0]).toMatchObject({
      items: [{ sku: M, newSku: L, quantity: 1 }],
      pickup: { status: 'DELIVERED' },
      delivery: { status: 'DELIVERED' },
    });
    await eventually(
      async () => {
        const [m, l] = [await stockOf(seller, M), await stockOf(seller, L)];
        return m?.onHand === 10 && l?.onHand === 9 && l.reserved === 0;
      },
      30_000,
      'M back on hand and L sold',
    );

    const confirmed = await api('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token, headers });
    expect([confirmed.status, confirmed.body.status]).toEqual([200, 'COMPLETED']);

    const events = await sagaShows(admin, headers['x-correlation-id'], [
      'order.exchange.requested',
      'shipping.exchange.requested',
      'shipping.exchange.dispatched',
      'shipping.exchange.dispatched',
      'shipping.exchange.delivered',
      'shipping.exchange.delivered',
      'order.exchange.completed',
      'order.completed',
    ]);
    inOrder(events, [
      'shipping.delivered',
      'order.exchange.requested',
      'shipping.exchange.requested',
      'shipping.exchange.dispatched',
      'order.exchange.completed',
      'order.completed',
    ]);
  });
});
