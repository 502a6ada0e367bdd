import type { couponGrant, quoteReply } from '@mp/contracts';
import { badGateway, type Dapr, type z } from '@mp/platform';

/** Product's quote, in request order (the reply is checked against the contract by the kit). */
export type Quote = z.output<typeof quoteReply>['items'];

/** Coupon's validation: the discount, and who funds it. */
export type CouponGrant = z.output<typeof couponGrant>;

export async function quote(
  dapr: Dapr,
  items: { productId: string; sku: string; quantity: number }[],
): Promise<Quote> {
  const reply = await dapr.call('product.products.quote', { body: { items } });
  if (reply.items.length !== items.length || reply.items.some((q, i) => q.sku !== items[i]!.sku))
    throw badGateway('UPSTREAM_ERROR', 'product quoted other items than asked');
  return reply.items;
}

/** All or nothing, idempotent per order. */
export const reserve = (
  dapr: Dapr,
  orderId: string,
  items: { sku: string; quantity: number }[],
  ttlSeconds: number,
) => dapr.call('inventory.reservations.create', { body: { orderId, items, ttlSeconds } });

/** Idempotent; nothing to release is fine. */
export const release = (dapr: Dapr, orderId: string) =>
  dapr.call('inventory.reservations.release', { params: { orderId } });

export function validateCoupon(
  dapr: Dapr,
  body: {
    userId: string;
    couponId: string;
    orderAmount: number;
    items: { sellerId: string; amount: number }[];
  },
): Promise<CouponGrant> {
  return dapr.call('coupon.coupons.validate', { body });
}
