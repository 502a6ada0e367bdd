import type { Selectable } from '@mp/platform';
import type { CouponsTable, UserCouponsTable } from '../db/schema.ts';

export type Coupon = Selectable<CouponsTable>;
export type UserCoupon = Selectable<UserCouponsTable>;

export const toCouponDto = (c: Coupon) => ({
  id: c.id,
  name: c.name,
  type: c.type,
  value: c.value,
  minOrderAmount: c.min_order_amount,
  maxDiscount: c.max_discount,
  totalQuantity: c.total_quantity,
  issuedCount: c.issued_count,
  remainingQuantity: c.total_quantity === null ? null : c.total_quantity - c.issued_count,
  issuer: c.issuer,
  sellerId: c.seller_id,
  validFrom: c.valid_from.toISOString(),
  validUntil: c.valid_until.toISOString(),
  status: c.status,
  createdAt: c.created_at.toISOString(),
});

export const toUserCouponDto = (u: UserCoupon, c: Coupon) => ({
  userCouponId: u.id,
  couponId: u.coupon_id,
  userId: u.user_id,
  status: u.status,
  orderId: u.order_id,
  discountAmount: u.discount_amount,
  issuedAt: u.issued_at.toISOString(),
  usedAt: u.used_at?.toISOString() ?? null,
  coupon: toCouponDto(c),
});
