/**
 * Settlement arithmetic (정산 계산), pure and in whole won. Money is an integer number of KRW;
 * products that could pass 2^53 are taken in BigInt. Rules:
 *  - commission (판매수수료) is charged per order item on what the seller sold it for: the item's
 *    amount less its share of the seller-funded coupon, times the item's rate in basis points,
 *    rounded down to the won (원 미만 절사, in the seller's favour);
 *  - a seller-funded coupon (판매자 부담 쿠폰) is shared over the seller's items in proportion to
 *    their amounts by the largest-remainder method, so the shares add up to the discount exactly;
 *  - the shipping fee (배송비) is passed to the seller whole, without commission;
 *  - a refund (환불) reverses the sale of the refunded units: the seller gives back what it kept
 *    on them (amount less coupon share less commission), so a fully refunded item nets zero;
 *  - the commission bears VAT (판매수수료 부가세, 10 %), figured once per settlement on its
 *    commission net of the refunds' reversed commission, rounded toward zero to the won (원 미만 절사).
 */

const BP = 10_000n;

/** VAT rate on the commission (부가가치세), in basis points. */
export const COMMISSION_VAT_BP = 1_000;

/**
 * 판매수수료 부가세: 10 % of the commission (the 세금계산서's 공급가액), won fractions cut toward
 * zero, so a negative commission (refunds reversing more than was sold) gives back its VAT exactly
 * as a positive one charges it.
 */
export function commissionVat(commission: number): number {
  return Math.trunc(Number((BigInt(commission) * BigInt(COMMISSION_VAT_BP)) / BP));
}

/** `floor(a × b / c)` for non-negative integers, exactly. */
export function mulDivFloor(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * Splits `total` won over `weights` in proportion, by the largest-remainder method: the parts add
 * up to `total` exactly, each is the exact proportion rounded down or up, and ties in the
 * remainder go to the earlier weight. With no weight at all the split is even.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError('cannot allocate a non-zero amount over nothing');
    return [];
  }
  const w = weights.map((x) => BigInt(x));
  let sum = w.reduce((a, b) => a + b, 0n);
  const even = sum === 0n;
  if (even) {
    w.fill(1n);
    sum = BigInt(w.length);
  }
  const t = BigInt(total);
  const parts = w.map((x) => (t * x) / sum);
  const rest = Number(t - parts.reduce((a, b) => a + b, 0n));
  const byRemainder = w
    .map((x, i) => ({ i, r: (t * x) % sum }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; k < rest; k++) parts[byRemainder[k]!.i]! += 1n;
  return parts.map(Number);
}

export interface ItemInput {
  itemId: string;
  unitPrice: number;
  quantity: number;
  /** Commission rate in basis points (1080 = 10.8 %). */
  rateBp: number;
}

export interface ItemFigures extends ItemInput {
  amount: number;
  couponShare: number;
  commission: number;
}

/** What one seller is owed for its part of one order (정산 라인). */
export interface LineFigures {
  items: ItemFigures[];
  gross: number;
  couponBurden: number;
  shippingFee: number;
  commission: number;
  net: number;
}

export const commissionOn = (base: number, rateBp: number) => Number((BigInt(base) * BigInt(rateBp)) / BP);

/**
 * A line's figures. The seller's coupon burden is capped at its gross (a discount larger than what
 * the seller sold is not the seller's to fund).
 */
export function lineFigures(
  items: readonly ItemInput[],
  couponBurden: number,
  shippingFee: number,
): LineFigures {
  const amounts = items.map((i) => i.unitPrice * i.quantity);
  const gross = amounts.reduce((a, b) => a + b, 0);
  const burden = Math.min(couponBurden, gross);
  const shares = allocate(burden, amounts);
  const figures = items.map((item, k) => {
    const amount = amounts[k]!;
    const couponShare = shares[k]!;
    return { ...item, amount, couponShare, commission: commissionOn(amount - couponShare, item.rateBp) };
  });
  const commission = figures.reduce((a, f) => a + f.commission, 0);
  return {
    items: figures,
    gross,
    couponBurden: burden,
    shippingFee,
    commission,
    net: gross - commission - burden + shippingFee,
  };
}

/** What the seller keeps on `kept` of an item's units: amount, coupon share and commission. */
function keptOn(item: ItemFigures, kept: number) {
  const amount = item.unitPrice * kept;
  const couponShare = mulDivFloor(item.couponShare, kept, item.quantity);
  const commission = commissionOn(amount - couponShare, item.rateBp);
  return { amount, couponShare, commission };
}

export interface RefundFigures {
  /** 판매가 of the refunded units. */
  gross: number;
  couponReversed: number;
  commissionReversed: number;
  /** What the seller gives back: gross less the reversed coupon share and commission. */
  deduction: number;
  /** Units actually reversed (a refund beyond what is left is capped). */
  quantity: number;
}

/**
 * Reverses `quantity` more units of an item of which `alreadyRefunded` were refunded before. Taking
 * the difference of what the seller keeps before and after makes any sequence of partial refunds
 * add up to exactly the item's figures.
 */
export function refundFigures(item: ItemFigures, alreadyRefunded: number, quantity: number): RefundFigures {
  const left = Math.max(0, item.quantity - alreadyRefunded);
  const n = Math.min(Math.max(0, quantity), left);
  const before = keptOn(item, left);
  const after = keptOn(item, left - n);
  const gross = before.amount - after.amount;
  const couponReversed = before.couponShare - after.couponShare;
  const commissionReversed = before.commission - after.commission;
  return {
    gross,
    couponReversed,
    commissionReversed,
    deduction: gross - couponReversed - commissionReversed,
    quantity: n,
  };
}

export interface SettlementFigures {
  grossAmount: number;
  commission: number;
  couponBurden: number;
  shippingFee: number;
  refundAmount: number;
  /** 반품배송비 kept from buyers' refunds: the seller's, without commission. */
  returnShippingFee: number;
  netAmount: number;
}

/**
 * A seller's settlement for a period: its lines less its refunds, plus the return shipping fees its
 * buyers paid. `netAmount` may be negative.
 */
export function settlementFigures(
  lines: readonly Pick<LineFigures, 'gross' | 'commission' | 'couponBurden' | 'shippingFee'>[],
  refunds: readonly Pick<RefundFigures, 'deduction'>[],
  returnFees: readonly number[] = [],
): SettlementFigures {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const grossAmount = sum(lines.map((l) => l.gross));
  const commission = sum(lines.map((l) => l.commission));
  const couponBurden = sum(lines.map((l) => l.couponBurden));
  const shippingFee = sum(lines.map((l) => l.shippingFee));
  const refundAmount = sum(refunds.map((r) => r.deduction));
  const returnShippingFee = sum(returnFees);
  return {
    grossAmount,
    commission,
    couponBurden,
    shippingFee,
    refundAmount,
    returnShippingFee,
    netAmount: grossAmount - commission - couponBurden + shippingFee - refundAmount + returnShippingFee,
  };
}

/**
 * The order's shipping fee per seller: the order's own split when it gives one, else an even split
 * (each seller ships one parcel) in seller-id order, remainders to the first.
 */
export function shippingFeeBySeller(
  total: number,
  sellerIds: readonly string[],
  split?: readonly { sellerId: string; amount: number }[],
): Map<string, number> {
  const sellers = [...new Set(sellerIds)].sort();
  if (split?.length) {
    return new Map(
      sellers.map((s) => [s, split.filter((x) => x.sellerId === s).reduce((a, x) => a + x.amount, 0)]),
    );
  }
  const parts = allocate(
    total,
    sellers.map(() => 1),
  );
  return new Map(sellers.map((s, i) => [s, parts[i]!]));
}
