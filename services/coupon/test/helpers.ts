import { randomUUID } from 'node:crypto';
import { ApiError, buildEvent } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  type TestServiceOptions,
  tokenFor,
} from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type CouponService = TestService<Database, any>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };
export const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

export async function newCoupon(svc: CouponService, body: Record<string, unknown> = {}, as?: string) {
  const token = as ?? (await tokenFor(randomUUID(), 'admin'));
  const res = await svc.call('POST', '/api/v1/coupons', {
    token,
    body: {
      name: '신규가입 3천원',
      type: 'FIXED',
      value: 3000,
      minOrderAmount: 10_000,
      validFrom: hours(-1),
      validUntil: hours(24),
      ...body,
    },
  });
  if (res.status !== 201) throw new Error(`coupon not created: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; sellerId: string | null };
}

export async function claim(svc: CouponService, couponId: string, userId: string = randomUUID()) {
  const res = await svc.call('POST', `/api/v1/coupons/${couponId}/issue`, {
    token: await tokenFor(userId, 'buyer'),
  });
  return { ...res, userId };
}

export function deliver(svc: CouponService, topic: 'order.created' | 'order.cancelled', data: unknown) {
  const event = buildEvent('order', 'test', topic, data as never);
  return svc.deliver(event);
}

export const orderCreated = (o: {
  orderId: string;
  userId: string;
  couponId: string;
  userCouponId: string;
}) => ({
  orderId: o.orderId,
  userId: o.userId,
  sellerId: randomUUID(),
  items: [],
  totalAmount: 20_000,
  shippingAddress: {
    recipient: '김철수',
    phone: '010-1234-5678',
    address: '서울시 강남구',
    zipCode: '06236',
  },
  paymentMethod: 'card',
  couponId: o.couponId,
  userCouponId: o.userCouponId,
  sellerIds: [],
  discountAmount: 3000,
  shippingFee: 0,
  payableAmount: 17_000,
  paymentDueAt: hours(1),
  createdAt: new Date().toISOString(),
});

/** user's accounts as `GET /internal/users/{id}` tells them, for the test doubles below. */
export interface TestAccount {
  userId: string;
  role: 'buyer' | 'seller' | 'admin';
  status: 'ACTIVE' | 'SUSPENDED' | 'DELETED';
}

/**
 * Doubles of user's `GET /internal/users/{userId}` and `GET /internal/users` (pages of
 * accounts newest first; the cursor is the offset here) over a directory the test fills.
 */
export function userDirectory(accounts: Map<string, TestAccount> = new Map()) {
  const one = (userId: string) => {
    const a = accounts.get(userId);
    if (!a) throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
    return {
      ...a,
      email: `${a.userId}@example.com`,
      name: '김철수',
      phone: null,
      emailVerified: true,
      grade: 'BRONZE',
      hasPassword: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      suspendedReason: null,
    };
  };
  const page = (q: Record<string, unknown> = {}) => {
    const all = [...accounts.values()]
      .filter((a) => (!q.status || a.status === q.status) && (!q.role || a.role === q.role))
      .sort((a, b) => (a.userId < b.userId ? 1 : -1));
    const from = q.cursor ? Number(q.cursor) : 0;
    const limit = Number(q.limit ?? 20);
    const items = all.slice(from, from + limit).map((a) => one(a.userId));
    return { items, nextCursor: from + limit < all.length ? String(from + limit) : null };
  };
  const invoke = new Proxy(
    {} as Record<string, (body: unknown, query?: Record<string, unknown>) => unknown>,
    {
      get(_, route: string) {
        if (route === 'user GET /internal/users')
          return (_b: unknown, q?: Record<string, unknown>) => page(q);
        const m = /^user GET \/internal\/users\/([^/]+)$/.exec(route);
        if (m) return () => one(decodeURIComponent(m[1]!));
        return undefined;
      },
    },
  );
  const add = (role: TestAccount['role'] = 'buyer', status: TestAccount['status'] = 'ACTIVE') => {
    const a = { userId: randomUUID(), role, status };
    accounts.set(a.userId, a);
    return a.userId;
  };
  return { accounts, invoke, add };
}

/** The coupon service of one test file: started before its tests, closed after them. */
export function couponForFile(o: TestServiceOptions = {}): CouponService {
  return serviceForFile(() => startTestService(service, o), 'the coupon service');
}
