/**
 * Coupon grants and promotions on the running system: an admin makes a coupon and a promotion
 * featuring it, issues it to two buyers (checked against user through Dapr), and they find it
 * among their coupons; the public promotion page lists it; the admin's event monitor sees
 * `coupon.issued`. Then a grant to every active buyer runs on the coupon service's worker, paging
 * through user's accounts, and gives a third buyer the coupon without granting anyone twice.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminToken, api, eventually, monitored } from './lib.ts';
import { adminCoupon, buyer, myCoupon } from './ordering-lib.ts';

describe('coupon grants and promotions (쿠폰 발급, 기획전)', () => {
  // As long as the grant to everyone takes: a stack's database outlives its runs and its buyers
  // grow with every run (grantToEveryoneDone fails the test if the job stops moving).
  it('grants a coupon to listed buyers, shows it on a public promotion, and grants it to everyone', {
    timeout: 600_000,
  }, async () => {
    const admin = await adminToken();
    const [first, second, third] = [await buyer('grant-a'), await buyer('grant-b'), await buyer('grant-c')];
    const couponId = await adminCoupon(admin, {
      name: '기획전 3천원',
      value: 3000,
      totalQuantity: undefined,
    });

    const promotion = await api('POST', '/api/v1/coupons/promotions', {
      token: admin,
      body: {
        name: '겨울 기획전',
        description: '전 상품 3천원 할인',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
        published: true,
        couponIds: [couponId],
      },
    });
    expect(promotion.status, JSON.stringify(promotion.body)).toBe(201);
    expect(promotion.body.status).toBe('ACTIVE');

    // The grant's own correlation id finds its events in the monitor, whatever else coupon sends.
    const correlationId = `e2e-grant-${randomUUID()}`;
    const grant = await api('POST', `/api/v1/coupons/${couponId}/grants`, {
      token: admin,
      body: { userIds: [first.id, second.id] },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    expect(grant.body.granted.map((g: { userId: string }) => g.userId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    const repeat = await api('POST', `/api/v1/coupons/${couponId}/grants`, {
      token: admin,
      body: { userIds: [first.id, 'no-such-user'] },
    });
    expect(repeat.body).toMatchObject({
      granted: [],
      alreadyHeld: [first.id],
      notGranted: [{ userId: 'no-such-user', reason: 'USER_NOT_FOUND' }],
    });
    for (const who of [first, second])
      expect(await myCoupon(who, couponId)).toMatchObject({ status: 'ISSUED' });
    expect(await myCoupon(third, couponId)).toBeUndefined();

    const listed = await api('GET', '/api/v1/coupons/promotions?limit=100');
    expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(promotion.body.id);
    const page = await api('GET', `/api/v1/coupons/promotions/${promotion.body.id}`);
    expect(page.body.coupons.map((c: { id: string }) => c.id)).toEqual([couponId]);

    for (const who of [first, second])
      await eventually(
        async () =>
          (await monitored(admin, { type: 'coupon.issued', correlationId })).some(
            (e) => JSON.stringify(e).includes(couponId) && JSON.stringify(e).includes(who.id),
          ),
        30_000,
        `coupon.issued for ${who.id} in the monitor`,
      );

    const started = await api('POST', `/api/v1/coupons/${couponId}/grant-jobs`, { token: admin });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const done = await grantToEveryoneDone(admin, couponId, started.body.jobId);
    expect(done.alreadyHeld).toBeGreaterThanOrEqual(2);
    expect(done.granted + done.alreadyHeld).toBe(done.usersSeen);
    expect(await myCoupon(third, couponId)).toMatchObject({ status: 'ISSUED' });
    const coupon = await api('GET', `/api/v1/coupons/${couponId}`);
    expect(coupon.body.issuedCount).toBe(done.granted + 2);
  });
});

/**
 * Waits for the grant job to complete for as long as it moves: its length is the stack's count of
 * buyers, which every run adds to. Fails if its count of users seen stands still for 30 s, or if it
 * stops for a reason.
 */
async function grantToEveryoneDone(admin: string, couponId: string, jobId: string) {
  let seen = -1;
  let movedAt = Date.now();
  for (;;) {
    const job = await api('GET', `/api/v1/coupons/${couponId}/grant-jobs/${jobId}`, { token: admin });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    if (job.body.status === 'COMPLETED') return job.body;
    expect(job.body.status, JSON.stringify(job.body)).toBe('RUNNING');
    if (job.body.usersSeen !== seen) [seen, movedAt] = [job.body.usersSeen, Date.now()];
    else if (Date.now() - movedAt > 30_000)
      throw new Error(`the grant to everyone stood still at ${seen} users for 30 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
