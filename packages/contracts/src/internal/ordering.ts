/** The calls of an order's placement: product quotes, inventory reserves, coupon validates; user looks products up. */
import { z } from 'zod';

const id = z.string().min(1).max(64);
const sku = z.string().min(1).max(64);

export const quoteRequest = z.object({
  items: z
    .array(z.object({ productId: id, sku, quantity: z.int().positive() }))
    .min(1)
    .max(100),
});
/** Each line with its seller and unit price (price + the SKU's delta, KRW), in request order. */
export const quoteReply = z.object({
  items: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      sellerId: z.string(),
      name: z.string(),
      optionValues: z.record(z.string(), z.string()).nullish(),
      unitPrice: z.int().min(0),
      /** Passed on to settlement (commission by category) when product gives it. */
      categoryId: z.string().optional(),
    }),
  ),
});

export const productLookupRequest = z.object({ productIds: z.array(id).max(100) });
/** A product as product's lookup answers it (user's saved lists show it). */
export const productSummary = z.object({
  productId: z.string(),
  sellerId: z.string(),
  name: z.string(),
  price: z.int(),
  brand: z.string().nullable(),
  status: z.string(),
  thumbnailUrl: z.string().nullable(),
});

/** The products found (unknown ids are left out). */
export const productLookupReply = z.object({
  items: z.array(productSummary),
});

export const reservationRequest = z.object({
  orderId: id,
  items: z
    .array(z.object({ sku, quantity: z.int().positive().max(10_000) }))
    .min(1)
    .max(100),
  // Up to a week: a virtual account (가상계좌) may be paid days later.
  ttlSeconds: z.int().min(1).max(604_800).optional(),
});
export const reservation = z.object({
  orderId: z.string(),
  status: z.enum(['RESERVED', 'SOLD', 'RELEASED', 'EXPIRED', 'RETURNED']),
  expiresAt: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.int() })),
});
export const released = z.object({ orderId: z.string(), status: z.literal('RELEASED') });

export const availabilityRequest = z.object({ skus: z.array(sku).min(1).max(100) });
/** Units a buyer can order now, per SKU; null for an SKU not on sale. */
export const availabilityReply = z.object({
  items: z.array(z.object({ sku: z.string(), available: z.int().nullable() })),
});

const amount = z.int().min(0).max(1_000_000_000_000);
export const couponValidation = z.object({
  userId: id,
  couponId: z.uuid(),
  orderAmount: amount,
  items: z
    .array(z.object({ sellerId: id, amount }))
    .max(100)
    .optional(),
});
/** The coupon applies: for how much, and who funds the discount. */
export const couponGrant = z.object({
  couponId: z.string(),
  userCouponId: z.string(),
  discountAmount: z.int().min(0),
  fundedBy: z.enum(['ADMIN', 'SELLER']).optional(),
  sellerId: z.string().nullish(),
});
