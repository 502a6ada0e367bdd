import { conflict, type Dapr } from '@mp/platform';
import { allocateDiscount, type Line, lineAmount, sellerShippingFees, sellerSubtotals } from './amounts.ts';
import type { OrderRules } from './context.ts';
import { type CouponGrant, type Quote, validateCoupon } from './upstream.ts';

export type PricedLine = Line & Quote[number] & { quantity: number; discount: number };

export interface PricedOrder {
  lines: PricedLine[];
  total: number;
  discount: number;
  fees: { sellerId: string; amount: number }[];
  fee: number;
  payable: number;
  coupon: CouponGrant | undefined;
}

/**
 * The order's money at checkout prices (the quote's, never a cart's): lines, the coupon's
 * discount spread over the lines it applies to (coupon validation decides the amount), each seller's
 * shipping fee, the payable amount. If the buyer saw another amount, 409 PRICE_CHANGED.
 */
export async function priceOrder(
  dapr: Dapr,
  rules: OrderRules,
  o: {
    userId: string;
    quoted: Quote;
    quantities: number[];
    couponId?: string | undefined;
    expectedPayableAmount?: number | undefined;
  },
): Promise<PricedOrder> {
  const lines = o.quoted.map((q, i) => ({ ...q, quantity: o.quantities[i]!, discount: 0 }));
  const total = lines.reduce((s, l) => s + lineAmount(l), 0);
  const coupon = o.couponId
    ? await validateCoupon(dapr, {
        userId: o.userId,
        couponId: o.couponId,
        orderAmount: total,
        items: sellerSubtotals(lines),
      })
    : undefined;
  const shares = allocateDiscount(
    lines,
    coupon?.discountAmount ?? 0,
    (l) => !coupon?.sellerId || l.sellerId === coupon.sellerId,
  );
  lines.forEach((l, i) => {
    l.discount = shares[i]!;
  });
  const discount = shares.reduce((a, b) => a + b, 0);
  const fees = sellerShippingFees(lines, rules.shipping);
  const fee = fees.reduce((s, f) => s + f.amount, 0);
  const payable = total - discount + fee;
  if (o.expectedPayableAmount !== undefined && o.expectedPayableAmount !== payable)
    throw conflict('PRICE_CHANGED', `The price changed: the order now comes to ${payable}원`, {
      payableAmount: payable,
    });
  return { lines, total, discount, fees, fee, payable, coupon };
}
