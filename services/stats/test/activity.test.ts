import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliver, statsForFile } from './fixtures.ts';

let admin: string;
const svc = statsForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

const product = (sellerId: string, categoryId: string, at: string) => ({
  productId: randomUUID(),
  sellerId,
  name: '운동화',
  description: '',
  brand: null,
  categoryId,
  price: 50_000,
  status: 'PENDING_REVIEW' as const,
  imageFileIds: [],
  version: 1,
  updatedAt: at,
  stock: 10,
  skus: [],
});

describe('the stats service', () => {
  it('documents its routes', async () => {
    const doc = await svc.call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/stats/sales',
        '/api/v1/stats/products',
        '/api/v1/stats/logins',
        '/api/v1/stats/coupons',
        '/api/v1/stats/reports',
        '/api/v1/stats/reports/{id}/file',
      ]),
    );
  });
});

describe('product statistics (상품 통계)', () => {
  it('count registrations per Korean day and category, a seller seeing its own', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await deliver(svc, 'product.created', product(a, 'shoes', '2023-02-01T15:30:00Z')); // 2 Feb KST
    await deliver(svc, 'product.created', product(a, 'bags', '2023-02-02T03:00:00Z'));
    await deliver(svc, 'product.created', product(b, 'shoes', '2023-02-02T04:00:00Z'));
    const all = await svc.call('GET', '/api/v1/stats/products?from=2023-02-01&to=2023-02-03', {
      token: admin,
    });
    expect(all.body).toEqual({
      items: [{ date: '2023-02-02', created: 3 }],
      byCategory: [
        { categoryId: 'shoes', created: 2 },
        { categoryId: 'bags', created: 1 },
      ],
      total: 3,
    });
    const own = await svc.call('GET', `/api/v1/stats/products?from=2023-02-01&to=2023-02-03&sellerId=${b}`, {
      token: await tokenFor(a, 'seller'),
    });
    expect(own.body.total).toBe(2);
  });
});

describe('login statistics (로그인 통계)', () => {
  it('count logins and distinct users per Korean day, each login event once', async () => {
    const [u1, u2] = [randomUUID(), randomUUID()];
    const login = (userId: string, at: string) => ({
      userId,
      sessionId: randomUUID(),
      method: 'password' as const,
      loggedInAt: at,
    });
    const twice = randomUUID();
    await deliver(svc, 'auth.user.login', login(u1, '2023-02-10T01:00:00Z'), twice);
    await deliver(svc, 'auth.user.login', login(u1, '2023-02-10T01:00:00Z'), twice);
    await Promise.all([
      deliver(svc, 'auth.user.login', login(u1, '2023-02-10T02:00:00Z')),
      deliver(svc, 'auth.user.login', login(u2, '2023-02-10T02:00:00Z')),
      deliver(svc, 'auth.user.login', login(u2, '2023-02-10T03:00:00Z')),
    ]);
    const res = await svc.call('GET', '/api/v1/stats/logins?from=2023-02-10&to=2023-02-10', { token: admin });
    expect(res.body.items).toEqual([{ date: '2023-02-10', logins: 4, users: 2 }]);
    expect(
      (
        await svc.call('GET', '/api/v1/stats/logins?from=2023-02-10&to=2023-02-10', {
          token: await tokenFor('s', 'seller'),
        })
      ).status,
    ).toBe(403);
  });
});

describe('coupon statistics (쿠폰 사용 통계)', () => {
  it('count uses and discounts per day and rank the coupons', async () => {
    const use = (couponId: string, discountAmount: number) => ({
      couponId,
      userCouponId: randomUUID(),
      userId: randomUUID(),
      orderId: randomUUID(),
      discountAmount,
      usedAt: '2023-02-20T05:00:00Z',
    });
    await deliver(svc, 'coupon.used', use('welcome', 3_000));
    await deliver(svc, 'coupon.used', use('welcome', 3_000));
    await deliver(svc, 'coupon.used', use('vip', 10_000));
    const res = await svc.call('GET', '/api/v1/stats/coupons?from=2023-02-20&to=2023-02-20', {
      token: admin,
    });
    expect(res.body).toEqual({
      items: [{ date: '2023-02-20', uses: 3, discountAmount: 16_000 }],
      topCoupons: [
        { couponId: 'welcome', uses: 2, discountAmount: 6_000 },
        { couponId: 'vip', uses: 1, discountAmount: 10_000 },
      ],
    });
  });
});
