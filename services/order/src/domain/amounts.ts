/** Money arithmetic of an order (integer KRW), without I/O. */

export interface Line {
  sellerId: string;
  unitPrice: number;
  quantity: number;
}

export const lineAmount = (l: Line) => l.unitPrice * l.quantity;

/** Per-seller subtotals, in the order sellers first appear. */
export function sellerSubtotals(lines: Line[]): { sellerId: string; amount: number }[] {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.sellerId, (sums.get(l.sellerId) ?? 0) + lineAmount(l));
  return [...sums].map(([sellerId, amount]) => ({ sellerId, amount }));
}

/** 배송비 per seller: each seller ships its own parcel, free from a subtotal threshold (무료배송 기준). */
export function sellerShippingFees(lines: Line[], rule: { fee: number; freeOver: number }) {
  return sellerSubtotals(lines).map((s) => ({
    sellerId: s.sellerId,
    amount: s.amount >= rule.freeOver ? 0 : rule.fee,
  }));
}

export const shippingFee = (lines: Line[], rule: { fee: number; freeOver: number }): number =>
  sellerShippingFees(lines, rule).reduce((sum, s) => sum + s.amount, 0);

/**
 * Spreads a discount over the lines it applies to, in proportion to their amounts (largest
 * remainder, so the shares are whole won and add up exactly). Lines outside `applies` get 0.
 */
export function allocateDiscount(
  lines: Line[],
  discount: number,
  applies: (l: Line) => boolean = () => true,
): number[] {
  const base = lines.map((l) => (applies(l) ? lineAmount(l) : 0));
  const total = base.reduce((a, b) => a + b, 0);
  if (discount <= 0 || total === 0) return lines.map(() => 0);
  const d = Math.min(discount, total);
  const exact = base.map((b) => (b * d) / total);
  const shares = exact.map(Math.floor);
  let left = d - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (base[i]! > 0) {
      shares[i]! += 1;
      left -= 1;
    }
  }
  return shares;
}

export interface RefundableLine {
  quantity: number;
  refundedQuantity: number;
  /** The line's amount after its discount share. */
  netAmount: number;
  refundedAmount: number;
}

/**
 * What refunding `quantity` more units of a line gives back: its net amount per unit, rounded
 * down, except that the last units give back exactly what is left of the line.
 */
export function refundForLine(l: RefundableLine, quantity: number): number {
  const remaining = l.quantity - l.refundedQuantity;
  if (quantity <= 0 || quantity > remaining) throw new RangeError('quantity beyond what is left to refund');
  if (quantity === remaining) return l.netAmount - l.refundedAmount;
  return Math.floor((l.netAmount * quantity) / l.quantity);
}
