import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN, type TestService, tokenFor } from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';

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

export async function claim(svc: CouponService, couponId: string, userId = randomUUID()) {
  const res = await svc.call('POST', `/api/v1/coupons/${couponId}/issue`, {
    token: await tokenFor(userId, 'buyer'),
  });
  return { ...res, userId };
}

export function deliver(svc: CouponService, topic: 'order.created' | 'order.cancelled', data: unknown) {
  const event = buildEvent('order', 'test', topic, data as never);
  return svc.call('POST', `/events/${topic}`, { body: { data: event }, headers: internal });
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
