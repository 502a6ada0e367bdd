/** The discount rules of a coupon (할인 계산), as plain arithmetic on integer KRW. */
export interface DiscountRule {
  type: 'FIXED' | 'PERCENT';
  /** KRW for FIXED, percent for PERCENT. */
  value: number;
  minOrderAmount: number;
  /** A cap on the discount (최대 할인 금액); null for none. */
  maxDiscount: number | null;
}

/**
 * The discount for an amount the coupon applies to: FIXED takes its value, PERCENT its share
 * rounded down to the won, then the cap; never more than the amount itself, never negative.
 */
export function discountFor(rule: DiscountRule, amount: number): number {
  if (amount <= 0) return 0;
  const raw = rule.type === 'FIXED' ? rule.value : Math.floor((amount * rule.value) / 100);
  const capped = rule.maxDiscount === null ? raw : Math.min(raw, rule.maxDiscount);
  return Math.max(0, Math.min(capped, amount));
}

/** Whether an amount reaches the coupon's minimum order (최소 주문 금액). */
export const meetsMinimum = (rule: DiscountRule, amount: number) => amount >= rule.minOrderAmount;
