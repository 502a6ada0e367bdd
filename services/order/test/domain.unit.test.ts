import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatuses } from '../src/db/schema.ts';
import { allocateDiscount, refundForLine, shippingFee } from '../src/domain/amounts.ts';
import { canMove, stepsAlongTrack, trackTarget } from '../src/domain/status.ts';

describe('the status machine', () => {
  it('follows the contract forward and refuses going back', () => {
    expect(canMove('PENDING_PAYMENT', 'PAID')).toBe(true);
    expect(canMove('DELIVERED', 'COMPLETED')).toBe(true);
    expect(canMove('CANCELLED', 'REFUNDED')).toBe(true);
    expect(canMove('SHIPPING', 'PREPARING')).toBe(false);
    expect(canMove('DELIVERED', 'SHIPPING')).toBe(false);
    expect(canMove('SHIPPING', 'CANCELLED')).toBe(false);
    for (const s of orderStatuses) expect(canMove('COMPLETED', s)).toBe(false);
  });

  it('derives the delivery track from the shipments of every seller', () => {
    expect(trackTarget(2, [])).toBe('PAID');
    expect(trackTarget(2, ['REQUESTED'])).toBe('PREPARING');
    expect(trackTarget(2, ['REQUESTED', 'DISPATCHED'])).toBe('SHIPPING');
    expect(trackTarget(2, ['DELIVERED', 'IN_TRANSIT'])).toBe('SHIPPING');
    expect(trackTarget(2, ['DELIVERED', 'DELIVERED'])).toBe('DELIVERED');
    expect(stepsAlongTrack('PAID', 'DELIVERED')).toEqual(['PREPARING', 'SHIPPING', 'DELIVERED']);
    expect(stepsAlongTrack('SHIPPING', 'PREPARING')).toEqual([]);
  });
});

describe('amounts', () => {
  it('charges shipping per seller below the free-shipping threshold', () => {
    const rule = { fee: 3000, freeOver: 30_000 };
    expect(
      shippingFee(
        [
          { sellerId: 'a', unitPrice: 20_000, quantity: 2 },
          { sellerId: 'b', unitPrice: 9_900, quantity: 1 },
        ],
        rule,
      ),
    ).toBe(3000);
  });

  it('spreads a discount over the lines exactly, in whole won', () => {
    const lines = [
      { sellerId: 'a', unitPrice: 10_000, quantity: 1 },
      { sellerId: 'a', unitPrice: 10_000, quantity: 1 },
      { sellerId: 'b', unitPrice: 10_000, quantity: 1 },
    ];
    expect(allocateDiscount(lines, 1000)).toEqual([334, 333, 333]);
    expect(allocateDiscount(lines, 1000, (l) => l.sellerId === 'b')).toEqual([0, 0, 1000]);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sellerId: fc.constantFrom('a', 'b'),
            unitPrice: fc.integer({ min: 1, max: 500_000 }),
            quantity: fc.integer({ min: 1, max: 9 }),
          }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.integer({ min: 0, max: 10_000_000 }),
        (ls, d) => {
          const shares = allocateDiscount(ls, d);
          const total = ls.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(Math.min(d, total));
          shares.forEach((s, i) => {
            expect(Number.isInteger(s) && s >= 0 && s <= ls[i]!.unitPrice * ls[i]!.quantity).toBe(true);
          });
        },
      ),
    );
  });

  it('refunds a line unit by unit, giving back exactly what is left with the last units', () => {
    const line = { quantity: 3, refundedQuantity: 0, netAmount: 10_000, refundedAmount: 0 };
    const first = refundForLine(line, 1);
    expect(first).toBe(3333);
    const rest = refundForLine({ ...line, refundedQuantity: 1, refundedAmount: first }, 2);
    expect(first + rest).toBe(10_000);
    expect(() => refundForLine(line, 4)).toThrow(RangeError);
  });
});
