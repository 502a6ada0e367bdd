import { z } from '@mp/platform';

export const couponDto = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['FIXED', 'PERCENT']),
    value: z.int(),
    minOrderAmount: z.int(),
    maxDiscount: z.int().nullable(),
    totalQuantity: z.int().nullable(),
    issuedCount: z.int(),
    remainingQuantity: z.int().nullable(),
    issuer: z.enum(['ADMIN', 'SELLER']),
    sellerId: z.string().nullable(),
    validFrom: z.string(),
    validUntil: z.string(),
    status: z.enum(['ACTIVE', 'EXPIRED', 'DELETED']),
    createdAt: z.string(),
  })
  .openapi('Coupon');

export const userCouponDto = z
  .object({
    userCouponId: z.string(),
    couponId: z.string(),
    userId: z.string(),
    status: z.enum(['ISSUED', 'USED', 'EXPIRED']),
    orderId: z.string().nullable(),
    discountAmount: z.int().nullable(),
    issuedAt: z.string(),
    usedAt: z.string().nullable(),
    coupon: couponDto,
  })
  .openapi('UserCoupon');

export const promotionDto = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    bannerFileId: z.string().nullable(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(['DRAFT', 'SCHEDULED', 'ACTIVE', 'ENDED']),
    owner: z.enum(['ADMIN', 'SELLER']),
    sellerId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    coupons: z.array(couponDto).optional(),
  })
  .openapi('Promotion');

/** A coupon id in a path: anything that is not one of ours is simply not found (404), like an unknown one. */
export const couponIdParam = z.object({ id: z.string().min(1).max(64) });
