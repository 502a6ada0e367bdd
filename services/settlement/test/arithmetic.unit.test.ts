import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  commissionOn,
  commissionVat,
  type ItemFigures,
  lineFigures,
  refundFigures,
  settlementFigures,
  shippingFeeBySeller,
} from '../src/domain/arithmetic.ts';

const won = fc.integer({ min: 0, max: 50_000_000 });
const rate = fc.integer({ min: 0, max: 10_000 });
const item = fc.record({
  itemId: fc.uuid(),
  unitPrice: fc.integer({ min: 0, max: 5_000_000 }),
  quantity: fc.integer({ min: 1, max: 50 }),
  rateBp: rate,
});
const items = fc.array(item, { minLength: 1, maxLength: 8 });

/** A split of `n` units into refunds of at least one unit each. */
const splitOf = (n: number) =>
  fc.array(fc.integer({ min: 1, max: n }), { minLength: 1, maxLength: n }).map((cuts) => {
    const parts: number[] = [];
    let left = n;
    for (const c of cuts) {
      if (left === 0) break;
      const take = Math.min(c, left);
      parts.push(take);
      left -= take;
    }
    if (left) parts.push(left);
    return parts;
  });

describe('allocate (largest remainder)', () => {
  it('splits an amount exactly, each part its proportion rounded down or up', () => {
    fc.assert(
      fc.property(won, fc.array(won, { minLength: 1, maxLength: 10 }), (total, weights) => {
        const parts = allocate(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        const sum = weights.reduce((a, b) => a + b, 0);
        parts.forEach((p, i) => {
          const exact = sum === 0 ? total / weights.length : (total * weights[i]!) / sum;
          expect(p).toBeGreaterThanOrEqual(Math.floor(exact) - 1e-9);
          expect(p).toBeLessThanOrEqual(Math.ceil(exact) + 1e-9);
        });
      }),
    );
  });

  it('gives remainders to the largest fractions, ties to the first', () => {
    expect(allocate(1000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(allocate(1000, [10_000, 5_000])).toEqual([667, 333]);
    expect(allocate(10, [1, 2, 7])).toEqual([1, 2, 7]);
    expect(allocate(0, [3, 4])).toEqual([0, 0]);
    expect(allocate(5, [0, 0])).toEqual([3, 2]);
  });

  it('stays exact where a float would not (amounts near 2^53)', () => {
    const parts = allocate(9_007_199_254_740_000, [3, 7]);
    expect(parts).toEqual([2_702_159_776_422_000, 6_305_039_478_318_000]);
  });
});

describe('a line (정산 라인)', () => {
  it('charges commission per item on the amount less the coupon share, rounding down to the won', () => {
    expect(commissionOn(33_000, 1080)).toBe(3564);
    expect(commissionOn(12_345, 1080)).toBe(1333); // 1333.26 → 1333
    const f = lineFigures(
      [
        { itemId: 'a', unitPrice: 5000, quantity: 2, rateBp: 1000 },
        { itemId: 'b', unitPrice: 5000, quantity: 1, rateBp: 1000 },
      ],
      1000,
      3000,
    );
    expect(f.items.map((i) => [i.amount, i.couponShare, i.commission])).toEqual([
      [10_000, 667, 933], // (10000 − 667) × 10 % = 933.3
      [5_000, 333, 466], // (5000 − 333) × 10 % = 466.7
    ]);
    expect(f).toMatchObject({ gross: 15_000, couponBurden: 1000, shippingFee: 3000, commission: 1399 });
    expect(f.net).toBe(15_000 - 1399 - 1000 + 3000);
  });

  it('keeps net = gross − commission − coupon burden + shipping fee, with truncation under a won per item', () => {
    fc.assert(
      fc.property(items, won, fc.integer({ min: 0, max: 100_000 }), (its, burden, fee) => {
        const f = lineFigures(its, burden, fee);
        expect(f.net).toBe(f.gross - f.commission - f.couponBurden + f.shippingFee);
        expect(f.couponBurden).toBe(Math.min(burden, f.gross));
        expect(f.items.reduce((a, i) => a + i.couponShare, 0)).toBe(f.couponBurden);
        let exact = 0;
        for (const i of f.items) {
          expect(i.couponShare).toBeLessThanOrEqual(i.amount);
          expect(i.commission).toBeGreaterThanOrEqual(0);
          exact += ((i.amount - i.couponShare) * i.rateBp) / 10_000;
        }
        expect(f.commission).toBeLessThanOrEqual(exact + 1e-6);
        expect(f.commission).toBeGreaterThan(exact - f.items.length - 1e-6);
        expect(Number.isSafeInteger(f.net)).toBe(true);
      }),
    );
  });
});

describe('refunds (환불 차감)', () => {
  const figured = (its: Parameters<typeof lineFigures>[0], burden: number) =>
    lineFigures(its, burden, 0).items;

  it('reverse exactly what the item made, however the units are split over refunds', () => {
    fc.assert(
      fc.property(
        item.chain((i) => fc.tuple(fc.constant(i), splitOf(i.quantity))),
        won,
        ([it, split], burden) => {
          const [f] = figured([it], burden) as [ItemFigures];
          let done = 0;
          const sum = { gross: 0, coupon: 0, commission: 0, deduction: 0 };
          for (const n of split) {
            const r = refundFigures(f, done, n);
            expect(r.quantity).toBe(n);
            expect(r.deduction).toBeGreaterThanOrEqual(0);
            expect(r.couponReversed).toBeGreaterThanOrEqual(0);
            expect(r.commissionReversed).toBeGreaterThanOrEqual(0);
            expect(r.deduction).toBe(r.gross - r.couponReversed - r.commissionReversed);
            done += n;
            sum.gross += r.gross;
            sum.coupon += r.couponReversed;
            sum.commission += r.commissionReversed;
            sum.deduction += r.deduction;
          }
          expect(sum).toEqual({
            gross: f.amount,
            coupon: f.couponShare,
            commission: f.commission,
            deduction: f.amount - f.couponShare - f.commission,
          });
        },
      ),
    );
  });

  it('never reverse more units than are left', () => {
    const [f] = figured([{ itemId: 'a', unitPrice: 1000, quantity: 3, rateBp: 1000 }], 0) as [ItemFigures];
    expect(refundFigures(f, 2, 5)).toMatchObject({ quantity: 1, gross: 1000, deduction: 900 });
    expect(refundFigures(f, 3, 1)).toMatchObject({ quantity: 0, gross: 0, deduction: 0 });
  });

  it('leave a fully refunded sale worth only its shipping fee to the seller', () => {
    fc.assert(
      fc.property(items, won, fc.integer({ min: 0, max: 10_000 }), (its, burden, fee) => {
        const line = lineFigures(its, burden, fee);
        const refunds = line.items.map((i) => refundFigures(i, 0, i.quantity));
        const s = settlementFigures([line], refunds);
        expect(s.netAmount).toBe(fee);
      }),
    );
  });
});

describe('a settlement (정산)', () => {
  it('adds its lines and subtracts its refunds, and its figures add up', () => {
    const line = fc.record({
      gross: won,
      commission: won,
      couponBurden: won,
      shippingFee: won,
    });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.array(fc.record({ deduction: won }), { maxLength: 5 }),
        (ls, rs) => {
          const s = settlementFigures(ls, rs);
          expect(s.netAmount).toBe(
            s.grossAmount - s.commission - s.couponBurden + s.shippingFee - s.refundAmount,
          );
          expect(s.grossAmount).toBe(ls.reduce((a, l) => a + l.gross, 0));
          expect(s.refundAmount).toBe(rs.reduce((a, r) => a + r.deduction, 0));
        },
      ),
    );
  });
});

describe('shipping fees per seller', () => {
  it('follow the order’s own split, else split evenly in seller order', () => {
    expect([...shippingFeeBySeller(3000, ['b', 'a'], [{ sellerId: 'b', amount: 3000 }])]).toEqual([
      ['a', 0],
      ['b', 3000],
    ]);
    expect([...shippingFeeBySeller(5000, ['b', 'a', 'b'])]).toEqual([
      ['a', 2500],
      ['b', 2500],
    ]);
    expect([...shippingFeeBySeller(5001, ['c', 'a', 'b'])]).toEqual([
      ['a', 1667],
      ['b', 1667],
      ['c', 1667],
    ]);
  });
});

describe('the VAT on the commission (판매수수료 부가세)', () => {
  it('is 10 % of the commission, won fractions cut toward zero, so a reversal gives back exactly what was charged', () => {
    expect(commissionVat(4_897)).toBe(489);
    expect(commissionVat(9)).toBe(0);
    expect(commissionVat(0)).toBe(0);
    expect(commissionVat(-2_000)).toBe(-200);
    expect(commissionVat(-4_897)).toBe(-489);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (c) => {
        const v = commissionVat(c);
        expect(v).toBe(Math.floor(c / 10));
        expect(commissionVat(-c)).toBe(v === 0 ? 0 : -v);
      }),
    );
  });
});
