/** Helpers for the ordering flows end to end: sellers, products, buyers, coupons, paying, shipping. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { api, eventually, login, monitored, uniqueEmail } from './lib.ts';

export const address = {
  recipient: '김철수',
  phone: '010-1234-5678',
  address: '서울시 강남구 테헤란로 1',
  zipCode: '06236',
};
const password = 'correct horse battery';

/** A random 사업자등록번호 with a valid check digit. */
export function businessNumber(): string {
  const d = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10));
  const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const sum = weights.reduce((s, w, i) => s + w * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
  return [...d, (10 - (sum % 10)) % 10].join('');
}

export interface Party {
  id: string;
  token: string;
}

export async function buyer(tag = 'buyer'): Promise<Party> {
  const email = uniqueEmail(tag);
  const res = await api('POST', '/api/v1/users', {
    body: { email, password, name: '이구매', role: 'buyer' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, token: await login(email, password) };
}

/** A seller whose application an admin approved (only VERIFIED sellers list products). */
export async function verifiedSeller(admin: string): Promise<Party> {
  const email = uniqueEmail('seller');
  const signup = await api('POST', '/api/v1/users', {
    body: { email, password, name: '김판매', role: 'seller' },
  });
  expect(signup.status, JSON.stringify(signup.body)).toBe(201);
  const token = await login(email, password);
  const apply = await api('POST', '/api/v1/sellers', {
    token,
    body: {
      storeName: `주문상점 ${randomUUID().slice(0, 6)}`,
      businessNumber: businessNumber(),
      representative: '김판매',
      mailOrderNumber: '2025-서울강남-01234',
    },
  });
  expect(apply.status, JSON.stringify(apply.body)).toBe(201);
  const approved = await api('POST', `/api/v1/admin/sellers/${signup.body.id}/approve`, { token: admin });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return { id: signup.body.id, token };
}

export async function category(admin: string): Promise<string> {
  const res = await api('POST', '/api/v1/categories', {
    token: admin,
    body: { name: `주문 ${randomUUID().slice(0, 6)}` },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export interface Listed {
  productId: string;
  sku: string;
  unitPrice: number;
  seller: Party;
}

/** A product with one option (SKU), approved by an admin, its stock known to inventory. */
export async function listedProduct(
  admin: string,
  seller: Party,
  o: { categoryId: string; name: string; price: number; priceDelta?: number; stock: number },
): Promise<Listed> {
  const sku = `ORD-${randomUUID().slice(0, 12)}`;
  const created = await api('POST', '/api/v1/products', {
    token: seller.token,
    body: {
      name: o.name,
      description: '주문 흐름 테스트 상품',
      price: o.price,
      categoryId: o.categoryId,
      brand: '테스트',
      options: [{ sku, values: { 사이즈: 'FREE' }, priceDelta: o.priceDelta ?? 0, stock: o.stock }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const productId = created.body.id as string;
  const approved = await api('PATCH', `/api/v1/admin/products/${productId}/approve`, { token: admin });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await eventually(async () => (await stockOf(seller, sku))?.onHand === o.stock, 20_000, `stock of ${sku}`);
  return { productId, sku, unitPrice: o.price + (o.priceDelta ?? 0), seller };
}

export async function stockOf(seller: Party, sku: string) {
  const res = await api('GET', `/api/v1/inventory/${sku}`, { token: seller.token });
  return res.status === 200
    ? (res.body as { onHand: number; reserved: number; available: number })
    : undefined;
}

export async function adminCoupon(admin: string, body: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/v1/coupons', {
    token: admin,
    body: {
      name: '주문 테스트 5천원',
      type: 'FIXED',
      value: 5000,
      minOrderAmount: 30_000,
      totalQuantity: 100,
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

export async function claim(who: Party, couponId: string) {
  const res = await api('POST', `/api/v1/coupons/${couponId}/issue`, { token: who.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.userCouponId as string;
}

export async function myCoupon(who: Party, couponId: string) {
  const res = await api('GET', '/api/v1/coupons/mine?limit=100', { token: who.token });
  return (res.body.items as { couponId: string; status: string; orderId: string | null }[]).find(
    (c) => c.couponId === couponId,
  );
}

export const orderOf = async (who: Party, id: string) =>
  (await api('GET', `/api/v1/orders/${id}`, { token: who.token })).body;

export async function orderReaches(who: Party, id: string, status: string) {
  return eventually(
    async () => {
      const o = await orderOf(who, id);
      return o.status === status ? o : undefined;
    },
    60_000,
    `order ${id} to be ${status}`,
  );
}

/** The payment order opened on order.created (it may take a moment to arrive). */
export function paymentOf(who: Party, orderId: string) {
  return eventually(
    async () =>
      (await api('GET', `/api/v1/payments?orderId=${orderId}`, { token: who.token })).body.items?.[0],
    30_000,
    `the payment of ${orderId}`,
  );
}

/** Pays as a browser would: Toss's payment window (the sandbox) gives a paymentKey; we confirm it. */
export async function pay(
  who: Party,
  order: { id: string; payableAmount: number },
  headers: Record<string, string>,
  simulate = 'approve',
) {
  await paymentOf(who, order.id);
  const window = await api('POST', '/sandbox/pg/window/payments', {
    body: { orderId: order.id, amount: order.payableAmount, orderName: '주문', simulate },
  });
  expect(window.status, JSON.stringify(window.body)).toBe(201);
  return api('POST', '/api/v1/payments/confirm', {
    token: who.token,
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: { orderId: order.id, paymentKey: window.body.paymentKey, amount: order.payableAmount },
  });
}

let invoice = Date.now() % 10_000_000;
const trackingNumber = () => String(500_000_000_000 + invoice++ * 7 + Math.floor(Math.random() * 7));

/** Every seller of the order dispatches its shipment; the carrier sandbox delivers each. */
export async function shipAndDeliver(
  order: { id: string },
  sellers: Party[],
  headers: Record<string, string>,
) {
  const carriers = ['CJ', 'POST', 'HANJIN', 'LOTTE', 'LOGEN'];
  const shipments: { id: string; sellerId: string; carrier: string; trackingNumber: string }[] = [];
  for (const [n, seller] of sellers.entries()) {
    const s = await eventually(
      async () =>
        (await api('GET', `/api/v1/shipments?orderId=${order.id}`, { token: seller.token })).body.items?.[0],
      30_000,
      `the shipment of seller ${n}`,
    );
    const number = trackingNumber();
    const sent = await api('POST', `/api/v1/shipments/${s.id}/dispatch`, {
      token: seller.token,
      headers,
      body: { carrier: carriers[n % carriers.length], trackingNumber: number },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    shipments.push({
      id: s.id,
      sellerId: seller.id,
      carrier: carriers[n % carriers.length]!,
      trackingNumber: number,
    });
  }
  for (const s of shipments) {
    const moved = await api('POST', `/sandbox/carrier/parcels/${s.carrier}/${s.trackingNumber}/advance`, {
      body: { to: 'delivered' },
    });
    expect(moved.body.complete).toBe(true);
  }
  return shipments;
}

/** The events the monitor saw for a correlation id, oldest first (by when they happened). */
export async function saga(admin: string, correlationId: string) {
  const items = await monitored(admin, { correlationId });
  return items
    .map((e) => e as typeof e & { occurredAt: string })
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

/** Waits until the monitor has seen every expected topic (with multiplicity) under the correlation id. */
export async function sagaShows(admin: string, correlationId: string, expected: string[]) {
  return eventually(
    async () => {
      const events = await saga(admin, correlationId);
      const types = events.map((e) => e.eventType);
      const missing = [...expected];
      for (const t of types) {
        const i = missing.indexOf(t);
        if (i >= 0) missing.splice(i, 1);
      }
      // The failure names what never came (the last poll's), not only what was expected.
      if (missing.length) throw new Error(`not yet seen: ${missing.join(', ')}`);
      return events;
    },
    60_000,
    `the monitor to show ${expected.join(', ')}`,
  );
}

/** `before` happened before `after` in the saga (first occurrence of each). */
export function inOrder(events: { eventType: string; occurredAt: string }[], chain: string[]) {
  const at = (t: string) => {
    const e = events.find((x) => x.eventType === t);
    expect(e, `${t} in the monitor`).toBeTruthy();
    return Date.parse(e!.occurredAt);
  };
  for (let i = 1; i < chain.length; i++)
    expect(at(chain[i - 1]!), `${chain[i - 1]} before ${chain[i]}`).toBeLessThanOrEqual(at(chain[i]!));
}
