import { randomUUID } from 'node:crypto';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { parseGradeRules, reviewGrades } from '../src/domain/grades.ts';
import { applied, deliver, sellerForFile, verified } from './helpers.ts';

const svc = sellerForFile({
  env: { SELLER_GRADE_THRESHOLDS: 'STANDARD=100000,POWER=1000000' },
});

const now = () => new Date().toISOString();
const address = { recipient: '김철수', phone: '010-1234-5678', address: '서울시 강남구', zipCode: '06234' };
function order(lines: { sellerId: string; price: number; quantity: number }[], createdAt = now()) {
  const items = lines.map((l) => ({
    ...l,
    productId: randomUUID(),
    itemId: randomUUID(),
    sku: `SKU-${randomUUID().slice(0, 4)}`,
    options: {},
  }));
  const total = items.reduce((s, i) => s + i.price * i.quantity, 0);
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    sellerId: items[0]!.sellerId,
    sellerIds: [...new Set(items.map((i) => i.sellerId))],
    items,
    totalAmount: total,
    discountAmount: 0,
    shippingFee: 0,
    payableAmount: total,
    shippingAddress: address,
    paymentMethod: 'card',
    paymentDueAt: now(),
    createdAt,
  };
}
const paid = (orderId: string, amount: number) =>
  deliver(svc, 'payment', 'payment.completed', {
    paymentId: randomUUID(),
    orderId,
    amount,
    method: 'card',
    pgTransactionId: 'pg',
    paidAt: now(),
  });
const review = () => reviewGrades(svc.deps.db, parseGradeRules('STANDARD=100000,POWER=1000000'), 90);
const board = async (token: string) =>
  (await svc.call('GET', '/api/v1/sellers/me/dashboard', { token })).body;

describe('the dashboard (판매 대시보드)', () => {
  it("counts my share of today's orders and sales, not cancelled ones, and waiting shipments", async () => {
    const me = await verified(svc);
    const other = await verified(svc);
    const mixed = order([
      { sellerId: me.id, price: 30_000, quantity: 2 },
      { sellerId: other.id, price: 99_000, quantity: 1 },
    ]);
    const single = order([{ sellerId: me.id, price: 10_000, quantity: 1 }]);
    const cancelled = order([{ sellerId: me.id, price: 500_000, quantity: 1 }]);
    // Out of order: the payment of `mixed` arrives before the order itself.
    await paid(mixed.orderId, mixed.payableAmount);
    for (const o of [mixed, single, cancelled]) await deliver(svc, 'order', 'order.created', o);
    await paid(cancelled.orderId, 500_000);
    await deliver(svc, 'order', 'order.cancelled', {
      orderId: cancelled.orderId,
      userId: cancelled.userId,
      reason: '단순 변심',
      cancelledAt: now(),
      previousStatus: 'PAID',
    });
    const s1 = randomUUID();
    const s2 = randomUUID();
    const shipItems = [{ itemId: randomUUID(), productId: randomUUID(), sku: 'SKU-1', quantity: 1 }];
    // s2 is dispatched before its request arrives; s1 waits.
    await deliver(svc, 'shipping', 'shipping.dispatched', {
      shipmentId: s2,
      orderId: single.orderId,
      carrier: 'CJ',
      trackingNumber: '1234',
      estimatedDelivery: now(),
      dispatchedAt: now(),
    });
    for (const [shipmentId, o] of [
      [s1, mixed],
      [s2, single],
    ] as const)
      await deliver(svc, 'shipping', 'shipping.requested', {
        shipmentId,
        orderId: o.orderId,
        sellerId: me.id,
        userId: o.userId,
        items: shipItems,
        requestedAt: now(),
      });

    const d = await board(me.token);
    expect(d).toMatchObject({
      timezone: 'Asia/Seoul',
      today: { orders: 2, sales: 60_000 },
      month: { orders: 2, sales: 60_000 },
      pendingShipments: 1,
      lastSettlement: null,
    });
    expect((await board(other.token)).today).toEqual({ orders: 1, sales: 99_000 });
  });

  it('counts an event once however often it arrives, and shows the last settlement', async () => {
    const me = await verified(svc);
    const o = order([{ sellerId: me.id, price: 20_000, quantity: 1 }]);
    const created = await deliver(svc, 'order', 'order.created', o);
    await svc.call('POST', '/events/order.created', {
      body: { id: created.eventId, data: created },
      headers: { 'dapr-api-token': 'test-app-token-0123456789abcdef' },
    });
    const settlement = {
      settlementId: randomUUID(),
      sellerId: me.id,
      periodStart: now(),
      periodEnd: now(),
      grossAmount: 100_000,
      commission: 10_000,
      couponBurden: 0,
      shippingFee: 0,
      refundAmount: 0,
      netAmount: 90_000,
      completedAt: now(),
    };
    await deliver(svc, 'settlement', 'settlement.completed', settlement);
    const d = await board(me.token);
    expect(d.today.orders).toBe(1);
    expect(d.lastSettlement).toMatchObject({ settlementId: settlement.settlementId, netAmount: 90_000 });
  });

  it('counts an order placed yesterday in Korea in the month but not today', async () => {
    const me = await verified(svc);
    const kstMidnight = new Date(
      `${new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)}T00:00:00+09:00`,
    );
    const yesterday = new Date(kstMidnight.getTime() - 60_000);
    await deliver(
      svc,
      'order',
      'order.created',
      order([{ sellerId: me.id, price: 1000, quantity: 1 }], yesterday.toISOString()),
    );
    const d = await board(me.token);
    expect(d.today.orders).toBe(0);
    // Unless today is the 1st in Korea, yesterday is this month.
    const kstToday = new Date(Date.now() + 9 * 3600_000);
    expect(d.month.orders).toBe(kstToday.getUTCDate() === 1 ? 0 : 1);
  });

  it('raises the seller grade with paid sales and lowers it when the order is cancelled, at the grade review', async () => {
    const me = await verified(svc);
    const o = order([{ sellerId: me.id, price: 150_000, quantity: 1 }]);
    await deliver(svc, 'order', 'order.created', o);
    await paid(o.orderId, 150_000);
    // Not on the order path (no seller row lock per paid order): the periodic review evaluates it.
    expect((await board(me.token)).grade).toBe('NEW');
    await review();
    expect((await board(me.token)).grade).toBe('STANDARD');
    await deliver(svc, 'order', 'order.cancelled', {
      orderId: o.orderId,
      userId: o.userId,
      reason: 'x',
      cancelledAt: now(),
      previousStatus: 'PAID',
    });
    expect((await board(me.token)).grade).toBe('STANDARD');
    await review();
    expect((await board(me.token)).grade).toBe('NEW');
  });

  it('reviews each seller of the queued orders once, a payment that came before its order included, and empties the queue', async () => {
    await review(); // what earlier tests queued
    const big = await verified(svc);
    const small = await verified(svc);
    const orders = Array.from({ length: 8 }, () => order([{ sellerId: big.id, price: 20_000, quantity: 1 }]));
    // Payments first for half of them: the order that comes after still counts.
    for (const [i, o] of orders.entries()) {
      if (i % 2) await paid(o.orderId, 20_000);
      await deliver(svc, 'order', 'order.created', o);
      if (!(i % 2)) await paid(o.orderId, 20_000);
    }
    const s = order([{ sellerId: small.id, price: 50_000, quantity: 1 }]);
    await deliver(svc, 'order', 'order.created', s);
    await paid(s.orderId, 50_000);
    // 18 facts queued, two sellers evaluated.
    expect(await review()).toBe(2);
    expect((await board(big.token)).grade).toBe('STANDARD');
    expect((await board(small.token)).grade).toBe('NEW');
    const left = await svc.deps.db
      .selectFrom('grade_review_queue')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
    expect(await review()).toBe(0);
  });

  it('suspends the store of an account admin suspends', async () => {
    const me = await verified(svc);
    await deliver(svc, 'admin', 'admin.user.suspended', {
      userId: me.id,
      adminId: 'a-1',
      reason: '부정 거래',
      suspendedAt: now(),
    });
    const res = await svc.call('GET', '/api/v1/sellers/me', { token: me.token });
    expect(res.body).toMatchObject({ status: 'SUSPENDED', suspensionReason: '계정 정지: 부정 거래' });
    expect((await svc.outbox('seller.suspended')).filter((e) => e.data.sellerId === me.id)).toHaveLength(1);
    // An account without a store: nothing to do, and no failure.
    await deliver(svc, 'admin', 'admin.user.suspended', {
      userId: randomUUID(),
      adminId: 'a-1',
      reason: 'x',
      suspendedAt: now(),
    });
  });
});

describe('an account restored', () => {
  const suspended = (userId: string) =>
    deliver(svc, 'admin', 'admin.user.suspended', {
      userId,
      adminId: 'a-1',
      reason: '도용 의심',
      suspendedAt: now(),
    });
  const restored = (userId: string) =>
    deliver(svc, 'user', 'user.updated', { userId, changes: ['status'], status: 'ACTIVE', updatedAt: now() });
  const statusOf = async (me: { token: string }) =>
    (await svc.call('GET', '/api/v1/sellers/me', { token: me.token })).body.status;

  it('reopens the store its suspension closed, once, with seller.verified', async () => {
    const me = await verified(svc);
    await suspended(me.id);
    expect(await statusOf(me)).toBe('SUSPENDED');
    await restored(me.id);
    await restored(me.id);
    expect(await statusOf(me)).toBe('VERIFIED');
    const res = await svc.call('GET', '/api/v1/sellers/me', { token: me.token });
    expect(res.body.suspensionReason).toBeNull();
    const verifiedEvents = (await svc.outbox('seller.verified')).filter((e) => e.data.sellerId === me.id);
    expect(verifiedEvents).toHaveLength(2); // the approval, then the reopening
  });

  it('puts an application the suspension closed back to PENDING, not VERIFIED', async () => {
    const me = await applied(svc);
    await suspended(me.id);
    expect(await statusOf(me)).toBe('SUSPENDED');
    await restored(me.id);
    expect(await statusOf(me)).toBe('PENDING');
    expect((await svc.outbox('seller.verified')).filter((e) => e.data.sellerId === me.id)).toEqual([]);
    const updates = (await svc.outbox('store.updated')).filter((e) => e.data.sellerId === me.id);
    expect(updates.map((e) => e.data.status)).toEqual(['PENDING']);
  });

  it('leaves closed a store an admin suspended on its own, and ignores other account changes', async () => {
    const me = await verified(svc);
    expect(
      (
        await svc.call('POST', `/internal/sellers/${me.id}/suspend`, {
          body: { reason: '허위 광고', adminId: 'a-1' },
          headers: { 'dapr-api-token': TEST_APP_TOKEN },
        })
      ).status,
    ).toBe(200);
    await suspended(me.id);
    await restored(me.id);
    expect(await statusOf(me)).toBe('SUSPENDED');
    const other = await verified(svc);
    await suspended(other.id);
    await deliver(svc, 'user', 'user.updated', {
      userId: other.id,
      changes: ['grade'],
      status: 'ACTIVE',
      grade: 'VIP',
      updatedAt: now(),
    });
    expect(await statusOf(other)).toBe('SUSPENDED');
  });
});

describe('subscriptions', () => {
  it('subscribes to exactly the topics the catalog gives seller', async () => {
    const { subscriptionsOf } = await import('@mp/contracts');
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('seller')].sort(),
    );
  });
});
