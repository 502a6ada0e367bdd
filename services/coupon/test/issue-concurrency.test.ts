import { randomUUID } from 'node:crypto';
import { startTestService, tokenFor } from '@mp/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service } from '../src/service.ts';
import { type CouponService, newCoupon } from './helpers.ts';

let svc: CouponService;
beforeAll(async () => {
  svc = await startTestService(service, { env: { DB_POOL_MAX: '20' } });
});
afterAll(() => svc.close());

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
