import { randomUUID } from 'node:crypto';
import { startTestService, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { service } from '../src/service.ts';
import { claim, couponForFile, hours, newCoupon, userDirectory } from './helpers.ts';

const users = userDirectory();
let admin: string;
const svc = couponForFile({ invoke: users.invoke });
beforeAll(async () => {
  admin = await tokenFor(randomUUID(), 'admin');
});

const grant = (couponId: string, userIds: unknown, token = admin) =>
  svc.call('POST', `/api/v1/coupons/${couponId}/grants`, { token, body: { userIds } });
const issuedCount = async (couponId: string) =>
  (await svc.call('GET', `/api/v1/coupons/${couponId}`)).body.issuedCount as number;
const issuedEvents = async (couponId: string) =>
  (await svc.outbox('coupon.issued')).filter((e) => e.data.couponId === couponId);

describe('issuing a coupon to listed users (사용자별 발급)', () => {
  it('grants active buyers, refuses the rest by name, publishes coupon.issued per user', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 10 });
    const buyers = [users.add(), users.add(), users.add()];
    const suspended = users.add('buyer', 'SUSPENDED');
    const seller = users.add('seller');
    const unknown = randomUUID();
    const res = await grant(coupon.id, [...buyers, suspended, seller, unknown, buyers[0]]);
    expect(res.status).toBe(200);
    expect(res.body.granted.map((g: { userId: string }) => g.userId)).toEqual(buyers);
    expect(res.body.alreadyHeld).toEqual([]);
    expect(res.body.notGranted).toEqual([
      { userId: suspended, reason: 'USER_NOT_ACTIVE' },
      { userId: seller, reason: 'USER_NOT_A_BUYER' },
      { userId: unknown, reason: 'USER_NOT_FOUND' },
    ]);
    expect(await issuedCount(coupon.id)).toBe(3);
    const events = await issuedEvents(coupon.id);
    expect(events.map((e) => e.data.userId).sort()).toEqual([...buyers].sort());
    const mine = await svc.call('GET', '/api/v1/coupons/mine', {
      token: await tokenFor(buyers[1]!, 'buyer'),
    });
    expect(mine.body.items.map((u: { couponId: string }) => u.couponId)).toEqual([coupon.id]);
  });

  it('is idempotent: a repeat grants no one twice and says who had it', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 10 });
    const buyers = [users.add(), users.add()];
    const claimed = await claim(svc, coupon.id, users.add());
    expect(claimed.status).toBe(201);
    await grant(coupon.id, buyers);
    const again = await grant(coupon.id, [...buyers, claimed.userId]);
    expect(again.status).toBe(200);
    expect(again.body.granted).toEqual([]);
    expect(again.body.alreadyHeld.sort()).toEqual([...buyers, claimed.userId].sort());
    expect(await issuedCount(coupon.id)).toBe(3);
    expect(await issuedEvents(coupon.id)).toHaveLength(3);
  });

  it('grants as far as the quantity goes, first asked first served, and says who did not get it', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 3 });
    await claim(svc, coupon.id, users.add());
    const buyers = [users.add(), users.add(), users.add(), users.add()];
    const res = await grant(coupon.id, buyers);
    expect(res.body.granted.map((g: { userId: string }) => g.userId)).toEqual(buyers.slice(0, 2));
    expect(res.body.notGranted).toEqual(
      buyers.slice(2).map((userId) => ({ userId, reason: 'COUPON_EXHAUSTED' })),
    );
    expect(await issuedCount(coupon.id)).toBe(3);
    const rows = await svc.deps.db
      .selectFrom('user_coupons')
      .select('user_id')
      .where('coupon_id', '=', coupon.id)
      .execute();
    expect(rows).toHaveLength(3);
  });

  it("lets a seller grant its own coupon only; an admin grants the platform's", async () => {
    const ownerId = randomUUID();
    const owner = await tokenFor(ownerId, 'seller');
    const coupon = await newCoupon(svc, {}, owner);
    const buyer = users.add();
    expect((await grant(coupon.id, [buyer], await tokenFor(randomUUID(), 'seller'))).status).toBe(404);
    const byAdmin = await grant(coupon.id, [buyer]);
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.code).toBe('COUPON_SELLER_FUNDED');
    expect((await grant(coupon.id, [buyer], await tokenFor(buyer, 'buyer'))).status).toBe(403);
    expect(
      (await svc.call('POST', `/api/v1/coupons/${coupon.id}/grants`, { body: { userIds: [buyer] } })).status,
    ).toBe(401);
    const byOwner = await grant(coupon.id, [buyer], owner);
    expect(byOwner.body.granted).toHaveLength(1);
    const platform = await newCoupon(svc);
    expect((await grant(platform.id, [buyer], owner)).status).toBe(404);
    expect((await grant(randomUUID(), [buyer])).status).toBe(404);
  });

  it('names the field of a bad request and refuses a coupon that cannot be issued', async () => {
    const coupon = await newCoupon(svc);
    for (const userIds of [undefined, [], [''], Array.from({ length: 1001 }, () => randomUUID())]) {
      const res = await grant(coupon.id, userIds);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0])).toContain('userIds');
    }
    const future = await newCoupon(svc, { validFrom: hours(1), validUntil: hours(2) });
    const early = await grant(future.id, [users.add()]);
    expect([early.status, early.body.code]).toEqual([422, 'COUPON_NOT_YET_VALID']);
    expect(await issuedCount(future.id)).toBe(0);
    await svc.call('DELETE', `/api/v1/coupons/${coupon.id}`, { token: admin });
    expect((await grant(coupon.id, [users.add()])).status).toBe(404);
  });

  it('fails whole, granting no one, when user cannot be asked', async () => {
    const alone = await startTestService(service, {});
    try {
      const coupon = await newCoupon(alone);
      const res = await alone.call('POST', `/api/v1/coupons/${coupon.id}/grants`, {
        token: admin,
        body: { userIds: [randomUUID()] },
      });
      expect(res.status).toBe(503);
      expect(await alone.outbox('coupon.issued')).toEqual([]);
    } finally {
      await alone.close();
    }
  });
});
