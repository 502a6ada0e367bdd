import { describe, expect, it } from 'vitest';
import { textedTemplates } from '../src/domain/template-catalog.ts';
import { smsText } from '../src/domain/template-text.ts';
import { e164 } from '../src/sms/phone.ts';

describe('phone numbers for SMS (E.164)', () => {
  it('turns Korean mobile numbers as people write them into +82', () => {
    for (const written of [
      '010-1234-5678',
      '01012345678',
      '010 1234 5678',
      '+82 10-1234-5678',
      '82-10-1234-5678',
      '+82 010 1234 5678',
    ])
      expect(e164(written), written).toBe('+821012345678');
    expect(e164('011-234-5678')).toBe('+82112345678');
  });

  it('has no SMS number for landlines, junk and nothing, and keeps other countries as given in E.164', () => {
    for (const none of [
      '02-123-4567',
      '031-123-4567',
      '+82 2 123 4567',
      'not a number',
      '',
      null,
      undefined,
      '010-12',
    ])
      expect(e164(none), String(none)).toBeUndefined();
    expect(e164('+1 (415) 555-0100')).toBe('+14155550100');
    expect(e164('4155550100')).toBeUndefined();
  });

  it("texts payment, dispatch, delivery, cancellation and refund, and a seller's new and cancelled orders, with the brand first", () => {
    expect([...textedTemplates].sort()).toEqual([
      'order-cancelled',
      'payment-completed',
      'refund-completed',
      'seller-new-order',
      'seller-order-cancelled',
      'shipment-delivered',
      'shipment-dispatched',
    ]);
    expect(smsText('상품이 발송되었습니다', 'CJ대한통운 운송장 600123456789')).toBe(
      '[마켓플레이스] 상품이 발송되었습니다\nCJ대한통운 운송장 600123456789',
    );
  });
});
