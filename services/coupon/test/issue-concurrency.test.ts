import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { couponForFile, newCoupon, userDirectory } from './helpers.ts';

// One file, one service: the load tests run one after the other, not against each other.
const users = userDirectory();
const svc = couponForFile({ invoke: users.invoke, env: { DB_POOL_MAX: '20' } });

describe('first come, first served under load', () => {
  it('issues exactly 100 of 100 to 1,000 concurrent claims, never 101, one per user', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 100 });
    // 500 users, each claiming twice at once: 1,000 claims.
    const users = await Promise.all(
      Array.from({ length: 500 }, async () => {
        const id = randomUUID();
        return { id, token: await tokenFor(id, 'buyer') };
      }),
    );
    const claims = users.flatMap((u) => [u, u]);
    const answers = await Promise.all(
      claims.map((u) => svc.call('POST', `/api/v1/coupons/${coupon.id}/issue`, { token: u.token })),
    );

    const byStatus = new Map<string, number>();
    for (const a of answers) {
      const key = a.status === 201 ? '201' : `${a.status} ${a.body.code}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    expect(byStatus.get('201')).toBe(100);
    expect([...byStatus.keys()].sort()).toEqual(
      ['201', '409 COUPON_ALREADY_ISSUED', '409 COUPON_EXHAUSTED'].filter((k) => byStatus.has(k)).sort(),
    );

    const rows = await svc.deps.db
      .selectFrom('user_coupons')
      .select(['user_id'])
      .where('coupon_id', '=', coupon.id)
      .execute();
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(100);
    const stored = await svc.deps.db
      .selectFrom('coupons')
      .select(['issued_count'])
      .where('id', '=', coupon.id)
      .executeTakeFirstOrThrow();
    expect(stored.issued_count).toBe(100);
    expect((await svc.outbox('coupon.issued')).filter((e) => e.data.couponId === coupon.id)).toHaveLength(
      100,
    );
  });
});

describe('grants racing claims', () => {
  it('never issues more than the quantity: 500 granted users against 500 claims for 600 coupons', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 600 });
    const everyone = Array.from({ length: 900 }, () => users.add());
    // 100 users are both granted and claiming.
    const granted = everyone.slice(0, 500);
    const claimers = await Promise.all(
      everyone.slice(400).map(async (id) => ({ id, token: await tokenFor(id, 'buyer') })),
    );
    const admin = await tokenFor(randomUUID(), 'admin');
    const grants = [0, 1, 2, 3, 4].map((i) =>
      svc.call('POST', `/api/v1/coupons/${coupon.id}/grants`, {
        token: admin,
        body: { userIds: granted.slice(i * 100, i * 100 + 100) },
      }),
    );
    const claims = claimers.map((u) =>
      svc.call('POST', `/api/v1/coupons/${coupon.id}/issue`, { token: u.token }),
    );
    const [grantAnswers, claimAnswers] = await Promise.all([Promise.all(grants), Promise.all(claims)]);

    expect(grantAnswers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const byGrant = grantAnswers.flatMap((a) => a.body.granted.map((g: { userId: string }) => g.userId));
    const byClaim = claimAnswers.filter((a) => a.status === 201).map((a) => a.body.userId);
    const refusedClaims = new Set(claimAnswers.filter((a) => a.status !== 201).map((a) => a.body.code));
    expect([...refusedClaims].every((c) => c === 'COUPON_EXHAUSTED' || c === 'COUPON_ALREADY_ISSUED')).toBe(
      true,
    );
    expect(byGrant.length + byClaim.length).toBe(600);
    expect(new Set([...byGrant, ...byClaim]).size).toBe(600);

    const rows = await svc.deps.db
      .selectFrom('user_coupons')
      .select('user_id')
      .where('coupon_id', '=', coupon.id)
      .execute();
    expect(rows).toHaveLength(600);
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(600);
    const stored = await svc.deps.db
      .selectFrom('coupons')
      .select('issued_count')
      .where('id', '=', coupon.id)
      .executeTakeFirstOrThrow();
    expect(stored.issued_count).toBe(600);
    expect((await svc.outbox('coupon.issued')).filter((e) => e.data.couponId === coupon.id)).toHaveLength(
      600,
    );
    // Every user the grants left out is reported, with the reason.
    const left = grantAnswers.flatMap((a) => [
      ...a.body.alreadyHeld,
      ...a.body.notGranted.map((n: { userId: string }) => n.userId),
    ]);
    expect(left.length + byGrant.length).toBe(500);
  });
});
