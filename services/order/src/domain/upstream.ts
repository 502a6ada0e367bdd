import { badGateway, type Dapr, z } from '@mp/platform';

/** Contract 3: product's quote, in request order. */
const quoteReply = z.object({
  items: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      sellerId: z.string(),
      name: z.string(),
      optionValues: z.record(z.string(), z.unknown()).nullish(),
      unitPrice: z.int().min(0),
      /** Not in contract 3; passed on to settlement (commission by category) when product gives it. */
      categoryId: z.string().optional(),
    }),
  ),
});
export type Quote = z.infer<typeof quoteReply>['items'];

/** Contract 6: coupon's validation. */
const couponReply = z.object({
  couponId: z.string(),
  userCouponId: z.string(),
  discountAmount: z.int().min(0),
  fundedBy: z.enum(['ADMIN', 'SELLER']).optional(),
  sellerId: z.string().nullish(),
});
export type CouponGrant = z.infer<typeof couponReply>;

function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badGateway('UPSTREAM_ERROR', `${what} answered in an unexpected shape`);
  return parsed.data;
}

export async function quote(
  dapr: Dapr,
  items: { productId: string; sku: string; quantity: number }[],
): Promise<Quote> {
  const reply = checked(
    quoteReply,
    await dapr.invoke('product', '/internal/products/quote', { body: { items } }),
    'product',
  );
  if (reply.items.length !== items.length || reply.items.some((q, i) => q.sku !== items[i]!.sku))
    throw badGateway('UPSTREAM_ERROR', 'product quoted other items than asked');
  return reply.items;
}

/** Contract 5: all or nothing, idempotent per order. */
export const reserve = (
  dapr: Dapr,
  orderId: string,
  items: { sku: string; quantity: number }[],
  ttlSeconds: number,
) => dapr.invoke('inventory', '/internal/reservations', { body: { orderId, items, ttlSeconds } });

/** Contract 5: idempotent; nothing to release is fine. */
export const release = (dapr: Dapr, orderId: string) =>
  dapr.invoke('inventory', `/internal/reservations/${encodeURIComponent(orderId)}/release`, {
    method: 'POST',
    body: {},
  });

export async function validateCoupon(
  dapr: Dapr,
  body: {
    userId: string;
    couponId: string;
    orderAmount: number;
    items: { sellerId: string; amount: number }[];
  },
): Promise<CouponGrant> {
  return checked(couponReply, await dapr.invoke('coupon', '/internal/coupons/validate', { body }), 'coupon');
}
