import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiscountRule, discountFor, meetsMinimum } from '../src/domain/discount.ts';

const rule = (r: Partial<DiscountRule>): DiscountRule => ({
  type: 'FIXED',
  value: 3000,
  minOrderAmount: 0,
  maxDiscount: null,
  ...r,
});

describe('discountFor', () => {
  it('takes a fixed amount, but never more than the order', () => {
    expect(discountFor(rule({ value: 3000 }), 20_000)).toBe(3000);
    expect(discountFor(rule({ value: 3000 }), 2000)).toBe(2000);
  });

  it('takes a percentage rounded down to the won, capped by the maximum discount', () => {
    expect(discountFor(rule({ type: 'PERCENT', value: 15 }), 33_333)).toBe(4999);
    expect(discountFor(rule({ type: 'PERCENT', value: 15, maxDiscount: 4000 }), 33_333)).toBe(4000);
    expect(discountFor(rule({ type: 'PERCENT', value: 100 }), 12_345)).toBe(12_345);
  });

  it('knows the minimum order', () => {
    expect(meetsMinimum(rule({ minOrderAmount: 10_000 }), 9_999)).toBe(false);
    expect(meetsMinimum(rule({ minOrderAmount: 10_000 }), 10_000)).toBe(true);
  });

  it('is an integer between 0 and the amount, within the cap, for any rule and amount', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'FIXED' | 'PERCENT'>('FIXED', 'PERCENT'),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        (type, raw, maxDiscount, amount) => {
          const value = type === 'PERCENT' ? (raw % 100) + 1 : raw;
          const d = discountFor({ type, value, maxDiscount, minOrderAmount: 0 }, amount);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(amount);
          if (maxDiscount !== null) expect(d).toBeLessThanOrEqual(maxDiscount);
        },
      ),
    );
  });
});
