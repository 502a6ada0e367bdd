import { describe, expect, it } from 'vitest';
import { isValidBusinessNumber, normalizeBusinessNumber } from '../src/domain/business-number.ts';

describe('사업자등록번호 checksum', () => {
  it('accepts real-shaped numbers whose check digit matches', () => {
    for (const n of ['124-81-00998', '1248100998', '220-81-62517', '104-81-53114'])
      expect(isValidBusinessNumber(n), n).toBe(true);
  });

  it('refuses a wrong check digit, a wrong length and non-digits', () => {
    for (const n of ['124-81-00997', '123-45-67890', '12481009', '12a-81-00998', ''])
      expect(isValidBusinessNumber(n), n).toBe(false);
  });

  it('normalizes dashes and spaces away', () => {
    expect(normalizeBusinessNumber(' 124-81-00998 ')).toBe('1248100998');
    expect(normalizeBusinessNumber('124-81-0099')).toBeUndefined();
  });
});
