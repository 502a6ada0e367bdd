import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../src/redact.ts';

describe('redact', () => {
  it('replaces secrets and personal data by key at any depth, in arrays too, and keeps the rest', () => {
    const payload = {
      orderId: 'o-1',
      shippingAddress: { recipient: '김민지', phone: '010-1234-5678' },
      items: [{ sku: 'A-1', name: '운동화' }],
      data: {
        secret: 'ps_abc',
        virtualAccount: { accountNumber: '123', customerName: '김민지', bankCode: '88' },
      },
      email: 'a@b.kr',
    };
    expect(redact(payload)).toEqual({
      orderId: 'o-1',
      shippingAddress: REDACTED,
      items: [{ sku: 'A-1', name: REDACTED }],
      data: {
        secret: REDACTED,
        virtualAccount: { accountNumber: REDACTED, customerName: REDACTED, bankCode: '88' },
      },
      email: REDACTED,
    });
    expect(redact(null)).toBeNull();
    expect(redact('plain')).toBe('plain');
  });
});
