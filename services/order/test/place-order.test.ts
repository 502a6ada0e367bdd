import { randomUUID } from 'node:crypto';
import { ApiError } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { buyer, eventsFor, line, orderForFile, place, twoSellers } from './helpers.ts';

const svc = orderForFile();

const ordersOf = (userId: string) =>
  svc.deps.db.selectFrom('orders').selectAll().where('user_id', '=', userId).execute();
const attempts = () => svc.deps.db.selectFrom('checkout_attempts').selectAll().execute();

describe('placing an order (stock, coupon and products checked at once)', () => {
  it('quotes, reserves and commits an order of two sellers with a coupon, and order.created with it', async () => {
    const who = await buyer();
    const { shoe, tee, sellerA, sellerB } = twoSellers(svc);
    const couponId = svc.catalog.coupon(who.userId, 10_000);
    const res = await place(svc, who, { items: [line(shoe), line(tee, 2)], couponId });
    expect(res.status).toBe(201);
    const o = res.body;
    // 129,000 + 2 × 19,000 = 167,000; seller B's 38,000 ships free (≥ 30,000), so does A's.
    expect(o).toMatchObject({
      status: 'PENDING_PAYMENT',
      totalAmount: 167_000,
      discountAmount: 10_000,
      shippingFee: 0,
      payableAmount: 157_000,
    });
    expect(
      o.items.map((i: { sellerId: string; discountAmount: number }) => [i.sellerId, i.discountAmount]),
    ).toEqual([
      [sellerA, 7725],
      [sellerB, 2275],
    ]);
    expect(o.history.map((h: { status: string }) => h.status)).toEqual(['PENDING_PAYMENT']);
    // The answer is made of the rows the placement wrote, not read back: it is the order as read.
    expect((await svc.call('GET', `/api/v1/orders/${o.id}`, { token: who.token })).body).toEqual(o);
    expect(svc.catalog.reservations.get(o.id)).toEqual([
      { sku: shoe.sku, quantity: 1 },
      { sku: tee.sku, quantity: 2 },
    ]);
    const [created] = await eventsFor(svc, 'order.created', o.id);
    expect(created?.data).toMatchObject({
      userId: who.userId,
      sellerIds: [sellerA, sellerB],
      couponId,
      couponIssuer: 'ADMIN',
      payableAmount: 157_000,
      shippingAddress: { zipCode: '06236' },
    });
    expect(created!.data.items).toHaveLength(2);
    expect(Date.parse(created!.data.paymentDueAt) - Date.parse(created!.data.createdAt)).toBe(600_000);
    expect((await attempts()).filter((a) => a.order_id === o.id)).toEqual([]);
  });

  it('asks inventory to keep the stock past the payment window', async () => {
    const who = await buyer();
    const { shoe } = twoSellers(svc);
    svc.dapr.calls.length = 0;
    await place(svc, who, { items: [line(shoe)] });
    const call = svc.dapr.calls.find((c) => c.path === '/internal/reservations');
    expect((call!.body as { ttlSeconds: number }).ttlSeconds).toBe(600 + 600);
  });

  it('charges 3,000원 shipping per seller under 30,000원', async () => {
    const who = await buyer();
    const cheapA = svc.catalog.product({ sellerId: randomUUID(), unitPrice: 9_000 });
    const cheapB = svc.catalog.product({ sellerId: randomUUID(), unitPrice: 12_000 });
    const res = await place(svc, who, { items: [line(cheapA), line(cheapB)] });
    expect(res.body).toMatchObject({ totalAmount: 21_000, shippingFee: 6_000, payableAmount: 27_000 });
    const [created] = await eventsFor(svc, 'order.created', res.body.id);
    expect(created?.data.sellerShippingFees).toEqual([
      { sellerId: cheapA.sellerId, amount: 3000 },
      { sellerId: cheapB.sellerId, amount: 3000 },
    ]);
  });

  it('answers OUT_OF_STOCK with nothing reserved and nothing written', async () => {
    const who = await buyer();
    const { shoe, tee } = twoSellers(svc);
    const res = await place(svc, who, { items: [line(shoe), line(tee, 6)] });
    expect([res.status, res.body.code]).toEqual([409, 'OUT_OF_STOCK']);
    expect(res.body.errors[0]).toMatchObject({ path: 'items.1.quantity', sku: tee.sku, available: 5 });
    expect(svc.catalog.reserved(shoe.sku) + svc.catalog.reserved(tee.sku)).toBe(0);
    expect(await ordersOf(who.userId)).toEqual([]);
    expect(await attempts()).toEqual([]);
  });

  it('refuses a SKU just seen sold out with one availability read, and sells a released unit at once', async () => {
    const seller = randomUUID();
    const drop = svc.catalog.product({ sellerId: seller, stock: 1, unitPrice: 50_000 });
    const first = await place(svc, await buyer(), { items: [line(drop)] });
    expect(first.status).toBe(201);
    // The second buyer goes the whole way: inventory refuses, and the SKU becomes suspect.
    const second = await place(svc, await buyer(), { items: [line(drop)] });
    expect([second.status, second.body.code]).toEqual([409, 'OUT_OF_STOCK']);
    expect(svc.ctx.door.isSuspect(drop.sku)).toBe(true);

    // Now a refusal at the door: a read of the SKU's availability, no quote, no reservation, no attempt.
    svc.dapr.calls.length = 0;
    const who = await buyer();
    const third = await place(svc, who, { items: [line(drop)] });
    expect([third.status, third.body.code]).toEqual([409, 'OUT_OF_STOCK']);
    expect(third.body.errors[0]).toMatchObject({ path: 'items.0.quantity', sku: drop.sku, available: 0 });
    expect(svc.dapr.calls.map((c) => c.path)).toEqual(['/internal/availability']);
    expect(await ordersOf(who.userId)).toEqual([]);
    expect(await attempts()).toEqual([]);

    // The first order's reservation is released (a cancel, an expiry): the next buyer gets the unit.
    svc.catalog.release(first.body.id);
    const fourth = await place(svc, await buyer(), { items: [line(drop)] });
    expect(fourth.status).toBe(201);
    expect(svc.ctx.door.isSuspect(drop.sku)).toBe(false);
  });

  it('lets the retry of a placement that may hold the last unit past the door (same Idempotency-Key)', async () => {
    const drop = svc.catalog.product({ sellerId: randomUUID(), stock: 1 });
    const who = await buyer();
    // A placement under key K reserved the last unit and died before its commit (its answer lost).
    const orderId = randomUUID();
    await svc.deps.db
      .insertInto('checkout_attempts')
      .values({ order_id: orderId, user_id: who.userId, idempotency_key: 'k-door' })
      .execute();
    svc.catalog.reservations.set(orderId, [{ sku: drop.sku, quantity: 1 }]);
    svc.ctx.door.refused(drop.sku, 0);
    const retry = await place(svc, who, { items: [line(drop)] }, { 'idempotency-key': 'k-door' });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(orderId);
    // Anyone else is refused at the door.
    const other = await place(svc, await buyer(), { items: [line(drop)] });
    expect([other.status, other.body.code]).toEqual([409, 'OUT_OF_STOCK']);
  });

  it('lets a buyer through when the door cannot read the availability (it fails open)', async () => {
    const drop = svc.catalog.product({ sellerId: randomUUID(), stock: 0 });
    const refused = await place(svc, await buyer(), { items: [line(drop)] });
    expect(refused.body.code).toBe('OUT_OF_STOCK');
    expect(svc.ctx.door.isSuspect(drop.sku)).toBe(true);
    const read = svc.catalog.availability;
    svc.catalog.availability = () => {
      throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'inventory could not be reached');
    };
    try {
      drop.stock = 1;
      expect((await place(svc, await buyer(), { items: [line(drop)] })).status).toBe(201);
    } finally {
      svc.catalog.availability = read;
    }
  });

  it('answers an unknown product with 404 before reserving anything', async () => {
    const who = await buyer();
    svc.dapr.calls.length = 0;
    const res = await place(svc, who, { items: [{ productId: randomUUID(), sku: 'NOPE', quantity: 1 }] });
    expect([res.status, res.body.code]).toEqual([404, 'PRODUCT_NOT_FOUND']);
    expect(svc.dapr.calls.some((c) => c.appId === 'inventory')).toBe(false);
  });

  it('releases the reservation when the coupon is refused', async () => {
    const who = await buyer();
    const { shoe } = twoSellers(svc);
    const couponId = svc.catalog.coupon(who.userId, 5000, { minOrder: 500_000 });
    const res = await place(svc, who, { items: [line(shoe)], couponId });
    expect([res.status, res.body.code]).toEqual([422, 'COUPON_MIN_ORDER_NOT_MET']);
    expect(svc.catalog.reserved(shoe.sku)).toBe(0);
    expect(await ordersOf(who.userId)).toEqual([]);
  });

  it('lets one of two orders racing with the same coupon have it, and releases the other', async () => {
    const who = await buyer();
    const { shoe, tee } = twoSellers(svc);
    const couponId = svc.catalog.coupon(who.userId, 3000);
    const [a, b] = await Promise.all([
      place(svc, who, { items: [line(shoe)], couponId }),
      place(svc, who, { items: [line(tee)], couponId }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('COUPON_ALREADY_USED');
    expect(svc.catalog.reserved(shoe.sku) + svc.catalog.reserved(tee.sku)).toBe(1);
  });

  it('applies a seller-funded coupon to that seller’s items only', async () => {
    const who = await buyer();
    const { shoe, tee, sellerB } = twoSellers(svc);
    const couponId = svc.catalog.coupon(who.userId, 5000, { sellerId: sellerB });
    const res = await place(svc, who, { items: [line(shoe), line(tee, 2)], couponId });
    expect(res.body.items.map((i: { discountAmount: number }) => i.discountAmount)).toEqual([0, 5000]);
    const [created] = await eventsFor(svc, 'order.created', res.body.id);
    expect(created?.data).toMatchObject({ couponIssuer: 'SELLER', couponSellerId: sellerB });
  });

  it('refuses when re-pricing changed the amount the buyer saw, and keeps no stock', async () => {
    const who = await buyer();
    const { shoe } = twoSellers(svc);
    const res = await place(svc, who, { items: [line(shoe)], expectedPayableAmount: 119_000 });
    expect([res.status, res.body.code, res.body.payableAmount]).toEqual([409, 'PRICE_CHANGED', 129_000]);
    expect(svc.catalog.reserved(shoe.sku)).toBe(0);
  });

  it('makes one order of one Idempotency-Key, however often it is sent', async () => {
    const who = await buyer();
    const { shoe } = twoSellers(svc);
    const headers = { 'idempotency-key': `order-${randomUUID()}` };
    const a = await place(svc, who, { items: [line(shoe)] }, headers);
    const b = await place(svc, who, { items: [line(shoe)] }, headers);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect(await ordersOf(who.userId)).toHaveLength(1);
    expect(await eventsFor(svc, 'order.created', a.body.id)).toHaveLength(1);
    const other = await place(svc, who, { items: [line(shoe, 2)] }, headers);
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('merges the same SKU given twice', async () => {
    const who = await buyer();
    const { tee } = twoSellers(svc);
    const res = await place(svc, who, { items: [line(tee), line(tee, 2)] });
    expect(res.body.items.map((i: { quantity: number }) => i.quantity)).toEqual([3]);
  });

  it('names every bad field, and refuses sellers and strangers', async () => {
    const who = await buyer();
    const res = await place(svc, who, {
      items: [{ productId: '', sku: 'x', quantity: 0 }],
      shippingAddress: { recipient: '', phone: '12', address: 'x', zipCode: '1234' },
      paymentMethod: 'cash',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'items.0.productId',
      'items.0.quantity',
      'paymentMethod',
      'shippingAddress.phone',
      'shippingAddress.recipient',
      'shippingAddress.zipCode',
    ]);
    const both = await place(svc, who, {
      items: [{ productId: 'p', sku: 'x', quantity: 1 }],
      fromCart: true,
    });
    expect([both.status, both.body.errors[0].path]).toEqual([400, 'items']);
    expect((await svc.call('POST', '/api/v1/orders', { body: {} })).status).toBe(401);
  });
});

describe('one correlation id per order saga', () => {
  it('carries the placing request’s correlation id on every event about the order, whoever triggers it', async () => {
    const who = await buyer();
    const { shoe } = twoSellers(svc);
    const placed = await place(svc, who, { items: [line(shoe)] }, { 'x-correlation-id': 'saga-1234' });
    await svc.call('POST', `/api/v1/orders/${placed.body.id}/cancel`, {
      token: who.token,
      body: { reason: '변심' },
      headers: { 'x-correlation-id': 'another-request' },
    });
    const events = [
      ...(await eventsFor(svc, 'order.created', placed.body.id)),
      ...(await eventsFor(svc, 'order.cancelled', placed.body.id)),
    ];
    expect(events.map((e) => e.correlationId)).toEqual(['saga-1234', 'saga-1234']);
  });
});
