/**
 * 결제 수단 관리 end to end: a buyer registers a card in the PG sandbox's card registration window
 * (Toss's requestBillingAuth), saves it, places an order and pays it with the saved card (Toss
 * 자동결제) through the gateway; the order reaches PAID and the admin monitor shows the saga.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api } from './lib.ts';
import {
  address,
  buyer,
  category,
  inOrder,
  type Listed,
  listedProduct,
  orderReaches,
  type Party,
  paymentOf,
  sagaShows,
  verifiedSeller,
} from './ordering-lib.ts';

let admin: string;
let shoe: Listed;
beforeAll(async () => {
  admin = await adminToken();
  const seller = await verifiedSeller(admin);
  shoe = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '간편결제 러닝화',
    price: 49_000,
    stock: 20,
  });
});

/** What a client does: fetch the customerKey, open the registration window, save what it answers. */
async function saveCard(who: Party, cardNumber: string) {
  const { customerKey } = (await api('GET', '/api/v1/payments/methods/customer-key', { token: who.token }))
    .body;
  const window = await api('POST', '/sandbox/pg/window/billing-auth', { body: { customerKey, cardNumber } });
  expect(window.status, JSON.stringify(window.body)).toBe(201);
  const saved = await api('POST', '/api/v1/payments/methods', {
    token: who.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { authKey: window.body.authKey, customerKey: window.body.customerKey },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  return saved.body;
}

async function placeOrder(who: Party, headers: Record<string, string>) {
  const res = await api('POST', '/api/v1/orders', {
    token: who.token,
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: {
      items: [{ productId: shoe.productId, sku: shoe.sku, quantity: 1 }],
      shippingAddress: address,
      paymentMethod: 'card',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('paying with a saved card (카드 등록 → 간편결제)', () => {
  it('registers a card, pays an order with it, and the order reaches PAID with the saga in the monitor', async () => {
    const who = await buyer('billing');
    const card = await saveCard(who, '4330123412345678');
    expect(card).toMatchObject({ card: { issuer: '신한', number: '43301234****567*' }, isDefault: true });
    const listed = await api('GET', '/api/v1/payments/methods', { token: who.token });
    expect(listed.body.items.map((m: { id: string }) => m.id)).toEqual([card.id]);

    const correlationId = `e2e-billing-${randomUUID()}`;
    const headers = { 'x-correlation-id': correlationId };
    const order = await placeOrder(who, headers);
    await paymentOf(who, order.id);
    const paid = await api('POST', '/api/v1/payments/pay-with-method', {
      token: who.token,
      headers: { ...headers, 'idempotency-key': randomUUID() },
      body: { orderId: order.id, methodId: card.id },
    });
    expect([paid.status, paid.body.status], JSON.stringify(paid.body)).toEqual([200, 'DONE']);
    expect(paid.body).toMatchObject({ amount: order.payableAmount, paymentMethodId: card.id });
    // Paid, then on to 배송준비중 as soon as shipping takes it: PAID is in its history.
    const final = await orderReaches(who, order.id, 'PREPARING');
    expect(final.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING_PAYMENT',
      'PAID',
      'PREPARING',
    ]);

    const events = await sagaShows(admin, correlationId, [
      'order.created',
      'payment.requested',
      'payment.completed',
    ]);
    inOrder(events, ['order.created', 'payment.requested', 'payment.completed']);
    expect(events.filter((e) => e.eventType === 'payment.completed')).toHaveLength(1);
  });

  it("declines with the issuer's code on a declining test card; the order fails", async () => {
    const who = await buyer('billing-decline');
    const card = await saveCard(who, '4330123412340002');
    const order = await placeOrder(who, {});
    await paymentOf(who, order.id);
    const declined = await api('POST', '/api/v1/payments/pay-with-method', {
      token: who.token,
      body: { orderId: order.id, methodId: card.id },
    });
    expect([declined.status, declined.body.code, declined.body.pgCode]).toEqual([
      422,
      'PAYMENT_DECLINED',
      'REJECT_CARD_PAYMENT',
    ]);
    await orderReaches(who, order.id, 'PAYMENT_FAILED');
  });

  it("keeps saved cards to their owner: another buyer's card is not found", async () => {
    const owner = await buyer('billing-owner');
    const card = await saveCard(owner, '5365100012340000');
    const stranger = await buyer('billing-stranger');
    const res = await api('DELETE', `/api/v1/payments/methods/${card.id}`, { token: stranger.token });
    expect([res.status, res.body.code]).toEqual([404, 'PAYMENT_METHOD_NOT_FOUND']);
    const removed = await api('DELETE', `/api/v1/payments/methods/${card.id}`, { token: owner.token });
    expect(removed.status).toBe(204);
    expect((await api('GET', '/api/v1/payments/methods', { token: owner.token })).body.items).toEqual([]);
  });
});
