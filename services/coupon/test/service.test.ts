import { randomUUID } from 'node:crypto';
import { subscriptionsOf } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { redeemForOrder } from '../src/domain/redemption.ts';
import { claim, couponForFile, deliver, hours, internal, newCoupon, orderCreated } from './helpers.ts';

const svc = couponForFile();

describe('creating coupons', () => {
  it('lets an admin create a platform coupon and publishes coupon.created', async () => {
    const coupon = await newCoupon(svc, {
      name: '여름 10%',
      type: 'PERCENT',
      value: 10,
      maxDiscount: 5000,
      totalQuantity: 50,
    });
    expect(coupon).toMatchObject({
      issuer: 'ADMIN',
      sellerId: null,
      remainingQuantity: 50,
      status: 'ACTIVE',
    });
    const [event] = (await svc.outbox('coupon.created')).filter((e) => e.data.couponId === coupon.id);
    expect(event?.data).toMatchObject({ type: 'PERCENT', value: 10, issuer: 'ADMIN', totalQuantity: 50 });
  });

  it("makes a seller's coupon funded by that seller", async () => {
    const sellerId = randomUUID();
    const coupon = await newCoupon(svc, {}, await tokenFor(sellerId, 'seller'));
    expect(coupon).toMatchObject({ issuer: 'SELLER', sellerId });
  });

  it('refuses buyers and names every bad field', async () => {
    const buyer = await tokenFor(randomUUID(), 'buyer');
    expect((await svc.call('POST', '/api/v1/coupons', { token: buyer, body: {} })).status).toBe(403);
    const res = await svc.call('POST', '/api/v1/coupons', {
      token: await tokenFor(randomUUID(), 'admin'),
      body: {
        name: '',
        type: 'PERCENT',
        value: 150,
        minOrderAmount: -1,
        validFrom: hours(2),
        validUntil: hours(1),
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'minOrderAmount',
      'name',
      'validUntil',
      'value',
    ]);
  });

  it('lets only the owning seller or an admin delete; issued coupons stay usable', async () => {
    const ownerId = randomUUID();
    const owner = await tokenFor(ownerId, 'seller');
    const coupon = await newCoupon(svc, {}, owner);
    const other = await tokenFor(randomUUID(), 'seller');
    expect((await svc.call('DELETE', `/api/v1/coupons/${coupon.id}`, { token: other })).status).toBe(404);
    const { userId } = await claim(svc, coupon.id);
    const deleted = await svc.call('DELETE', `/api/v1/coupons/${coupon.id}`, { token: owner });
    expect(deleted.body.status).toBe('DELETED');
    expect((await claim(svc, coupon.id)).body.code).toBe('COUPON_NOT_FOUND');
    expect((await svc.call('GET', `/api/v1/coupons/${coupon.id}`)).status).toBe(404);
    const valid = await svc.call('POST', '/internal/coupons/validate', {
      body: {
        userId,
        couponId: coupon.id,
        orderAmount: 20_000,
        items: [{ sellerId: ownerId, amount: 20_000 }],
      },
      headers: internal,
    });
    expect(valid.body.discountAmount).toBe(3000);
  });

  it('lists claimable coupons with a cursor', async () => {
    const sellerId = randomUUID();
    const token = await tokenFor(sellerId, 'seller');
    for (let i = 0; i < 3; i++) await newCoupon(svc, { name: `쿠폰 ${i}` }, token);
    const first = await svc.call('GET', `/api/v1/coupons?sellerId=${sellerId}&limit=2`);
    expect(first.body.items).toHaveLength(2);
    const next = await svc.call(
      'GET',
      `/api/v1/coupons?sellerId=${sellerId}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(next.body.items).toHaveLength(1);
    expect(next.body.nextCursor).toBeNull();
    expect(new Set([...first.body.items, ...next.body.items].map((c: { name: string }) => c.name)).size).toBe(
      3,
    );
  });
});

describe('claiming coupons (선착순)', () => {
  it('issues one per user, publishes coupon.issued and shows it among mine', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 5 });
    const first = await claim(svc, coupon.id);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ couponId: coupon.id, status: 'ISSUED', userId: first.userId });
    const again = await claim(svc, coupon.id, first.userId);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('COUPON_ALREADY_ISSUED');
    const mine = await svc.call('GET', '/api/v1/coupons/mine', {
      token: await tokenFor(first.userId, 'buyer'),
    });
    expect(mine.body.items.map((u: { couponId: string }) => u.couponId)).toEqual([coupon.id]);
    expect((await svc.call('GET', `/api/v1/coupons/${coupon.id}`)).body.issuedCount).toBe(1);
    expect((await svc.outbox('coupon.issued')).filter((e) => e.data.couponId === coupon.id)).toHaveLength(1);
  });

  it('refuses when none are left, and for an unknown, expired or future coupon', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 1 });
    expect((await claim(svc, coupon.id)).status).toBe(201);
    const late = await claim(svc, coupon.id);
    expect([late.status, late.body.code]).toEqual([409, 'COUPON_EXHAUSTED']);
    expect((await claim(svc, randomUUID())).body.code).toBe('COUPON_NOT_FOUND');
    const future = await newCoupon(svc, { validFrom: hours(1), validUntil: hours(2) });
    expect((await claim(svc, future.id)).body.code).toBe('COUPON_NOT_YET_VALID');
    const old = await newCoupon(svc);
    await svc.deps.db
      .updateTable('coupons')
      .set({ valid_from: new Date(hours(-3)), valid_until: new Date(hours(-2)) })
      .where('id', '=', old.id)
      .execute();
    expect((await claim(svc, old.id)).body.code).toBe('COUPON_EXPIRED');
    expect((await svc.call('GET', `/api/v1/coupons/${coupon.id}`)).body.issuedCount).toBe(1);
  });

  it('replays the first answer for the same Idempotency-Key', async () => {
    const coupon = await newCoupon(svc);
    const token = await tokenFor(randomUUID(), 'buyer');
    const headers = { 'idempotency-key': `claim-${randomUUID()}` };
    const a = await svc.call('POST', `/api/v1/coupons/${coupon.id}/issue`, { token, headers });
    const b = await svc.call('POST', `/api/v1/coupons/${coupon.id}/issue`, { token, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers an id that is not a coupon id as not found, like an unknown one', async () => {
    const res = await svc.call('POST', '/api/v1/coupons/not-a-uuid/issue', {
      token: await tokenFor('u', 'buyer'),
    });
    expect([res.status, res.body.code]).toEqual([404, 'COUPON_NOT_FOUND']);
    expect((await svc.call('GET', '/api/v1/coupons/not-a-uuid')).status).toBe(404);
  });
});

describe('validation for an order (POST /internal/coupons/validate)', () => {
  const validate = (body: unknown) =>
    svc.call('POST', '/internal/coupons/validate', { body, headers: internal });

  it('answers the discount of a percent coupon within its cap, by coupon id or issued id', async () => {
    const coupon = await newCoupon(svc, { type: 'PERCENT', value: 10, maxDiscount: 5000, minOrderAmount: 0 });
    const { userId, body } = await claim(svc, coupon.id);
    const byCoupon = await validate({ userId, couponId: coupon.id, orderAmount: 33_000 });
    expect(byCoupon.body).toEqual({
      couponId: coupon.id,
      userCouponId: body.userCouponId,
      discountAmount: 3300,
      fundedBy: 'ADMIN',
      sellerId: null,
    });
    const capped = await validate({ userId, couponId: body.userCouponId, orderAmount: 90_000 });
    expect(capped.body.discountAmount).toBe(5000);
  });

  it("applies a seller's coupon only to that seller's items", async () => {
    const sellerId = randomUUID();
    const coupon = await newCoupon(
      svc,
      { type: 'PERCENT', value: 50, minOrderAmount: 5000 },
      await tokenFor(sellerId, 'seller'),
    );
    const { userId } = await claim(svc, coupon.id);
    const res = await validate({
      userId,
      couponId: coupon.id,
      orderAmount: 30_000,
      items: [
        { sellerId, amount: 10_000 },
        { sellerId: randomUUID(), amount: 20_000 },
      ],
    });
    expect(res.body).toMatchObject({ discountAmount: 5000, fundedBy: 'SELLER', sellerId });
    const none = await validate({
      userId,
      couponId: coupon.id,
      orderAmount: 20_000,
      items: [{ sellerId: randomUUID(), amount: 20_000 }],
    });
    expect([none.status, none.body.code]).toEqual([422, 'COUPON_NOT_APPLICABLE']);
  });

  it('refuses a coupon not owned, below the minimum, used or expired', async () => {
    const coupon = await newCoupon(svc, { minOrderAmount: 10_000 });
    const { userId, body } = await claim(svc, coupon.id);
    const notMine = await validate({ userId: randomUUID(), couponId: coupon.id, orderAmount: 20_000 });
    expect([notMine.status, notMine.body.code]).toEqual([422, 'COUPON_NOT_OWNED']);
    const small = await validate({ userId, couponId: coupon.id, orderAmount: 9_999 });
    expect([small.status, small.body.code]).toEqual([422, 'COUPON_MIN_ORDER_NOT_MET']);
    await deliver(
      svc,
      'order.created',
      orderCreated({ orderId: randomUUID(), userId, couponId: coupon.id, userCouponId: body.userCouponId }),
    );
    const used = await validate({ userId, couponId: coupon.id, orderAmount: 20_000 });
    expect([used.status, used.body.code]).toEqual([409, 'COUPON_ALREADY_USED']);
    const old = await newCoupon(svc);
    const holder = await claim(svc, old.id);
    await svc.deps.db
      .updateTable('coupons')
      .set({ valid_from: new Date(hours(-3)), valid_until: new Date(hours(-2)) })
      .where('id', '=', old.id)
      .execute();
    const expired = await validate({ userId: holder.userId, couponId: old.id, orderAmount: 20_000 });
    expect([expired.status, expired.body.code]).toEqual([409, 'COUPON_EXPIRED']);
  });

  it('is reachable only through Dapr', async () => {
    const res = await svc.call('POST', '/internal/coupons/validate', { body: {} });
    expect(res.status).toBe(403);
  });
});

describe('redemption and restoration by order events', () => {
  const statusOf = async (userCouponId: string) =>
    await svc.deps.db
      .selectFrom('user_coupons')
      .selectAll()
      .where('id', '=', userCouponId)
      .executeTakeFirstOrThrow();

  it('order.created uses the coupon once (coupon.used), order.cancelled gives it back', async () => {
    const coupon = await newCoupon(svc);
    const { userId, body } = await claim(svc, coupon.id);
    const orderId = randomUUID();
    const data = orderCreated({ orderId, userId, couponId: coupon.id, userCouponId: body.userCouponId });
    expect((await deliver(svc, 'order.created', data)).body).toEqual({ status: 'SUCCESS' });
    await deliver(svc, 'order.created', data); // another event for the same order changes nothing
    expect(await statusOf(body.userCouponId)).toMatchObject({
      status: 'USED',
      order_id: orderId,
      discount_amount: 3000,
    });
    expect((await svc.outbox('coupon.used')).filter((e) => e.data.orderId === orderId)).toHaveLength(1);

    await deliver(svc, 'order.cancelled', {
      orderId,
      userId,
      reason: '단순변심',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PAID',
      couponId: coupon.id,
      userCouponId: body.userCouponId,
    });
    expect(await statusOf(body.userCouponId)).toMatchObject({ status: 'ISSUED', order_id: null });
  });

  it('never redeems for an order whose cancellation arrived first', async () => {
    const coupon = await newCoupon(svc);
    const { userId, body } = await claim(svc, coupon.id);
    const orderId = randomUUID();
    await deliver(svc, 'order.cancelled', {
      orderId,
      userId,
      reason: 'PAYMENT_FAILED',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PENDING_PAYMENT',
      userCouponId: body.userCouponId,
    });
    await deliver(
      svc,
      'order.created',
      orderCreated({ orderId, userId, couponId: coupon.id, userCouponId: body.userCouponId }),
    );
    expect((await statusOf(body.userCouponId)).status).toBe('ISSUED');
  });

  it('gives the coupon back when the cancellation arrives while order.created is being handled', async () => {
    const coupon = await newCoupon(svc);
    const { userId, body } = await claim(svc, coupon.id);
    const orderId = randomUUID();
    const data = orderCreated({ orderId, userId, couponId: coupon.id, userCouponId: body.userCouponId });
    let cancelling: ReturnType<typeof deliver> | undefined;
    await svc.deps.db.transaction().execute(async (trx) => {
      await redeemForOrder(
        trx as never,
        svc.deps.events,
        svc.deps.log,
        buildEvent('order', 'test', 'order.created', data as never) as never,
      );
      cancelling = deliver(svc, 'order.cancelled', {
        orderId,
        userId,
        reason: '단순변심',
        cancelledAt: new Date().toISOString(),
        previousStatus: 'PENDING_PAYMENT',
        userCouponId: body.userCouponId,
      });
      await new Promise((r) => setTimeout(r, 300));
    });
    expect((await cancelling!).body.status).toBe('SUCCESS');
    expect(await statusOf(body.userCouponId)).toMatchObject({ status: 'ISSUED', order_id: null });
  });
});

describe('expiry (the cron binding)', () => {
  it('expires coupons past their validity with their unused issues, once, publishing coupon.expired', async () => {
    const coupon = await newCoupon(svc, { minOrderAmount: 0 });
    const unused = await claim(svc, coupon.id);
    const used = await claim(svc, coupon.id);
    const orderId = randomUUID();
    await deliver(
      svc,
      'order.created',
      orderCreated({
        orderId,
        userId: used.userId,
        couponId: coupon.id,
        userCouponId: used.body.userCouponId,
      }),
    );
    await svc.deps.db
      .updateTable('coupons')
      .set({ valid_until: new Date(Date.now() - 1000), valid_from: new Date(hours(-2)) })
      .where('id', '=', coupon.id)
      .execute();

    const run = await svc.call('POST', '/internal/jobs/coupon-expiry', { headers: internal });
    expect(run.status).toBe(200);
    expect(run.body.expired).toBeGreaterThanOrEqual(1);
    expect((await svc.call('POST', '/internal/jobs/coupon-expiry', { headers: internal })).body.expired).toBe(
      0,
    );
    const [event] = (await svc.outbox('coupon.expired')).filter((e) => e.data.couponId === coupon.id);
    expect(event?.data.expiredUserCoupons).toBe(1);
    const rows = await svc.deps.db
      .selectFrom('user_coupons')
      .select(['id', 'status'])
      .where('coupon_id', '=', coupon.id)
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [unused.body.userCouponId]: 'EXPIRED',
      [used.body.userCouponId]: 'USED',
    });
    // Cancelling the order now returns an expired coupon, not a usable one.
    await deliver(svc, 'order.cancelled', {
      orderId,
      userId: used.userId,
      reason: '단순변심',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PAID',
      userCouponId: used.body.userCouponId,
    });
    const after = await svc.deps.db
      .selectFrom('user_coupons')
      .select('status')
      .where('id', '=', used.body.userCouponId)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('EXPIRED');
  });

  it('is refused without the app token', async () => {
    expect((await svc.call('POST', '/internal/jobs/coupon-expiry')).status).toBe(403);
  });
});

describe('the service', () => {
  it('subscribes to exactly the topics the catalog gives it and drops malformed deliveries', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('coupon')].sort(),
    );
    for (const topic of subscriptionsOf('coupon')) {
      const bad = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
      expect(bad.body, topic).toEqual({ status: 'DROP' });
    }
  });
});
