import type { Scenario } from './kit.ts';

/**
 * The sandbox's test cards for the billing window (카드 등록): the card number a buyer types
 * decides how the PG will treat every charge of the card it saves, deterministically, like the
 * payment window's `simulate`. By the last four digits: 0002 decline, 0500 pg_error, 0501
 * pg_error_once, 0600 late_answer, 0601 late_processing, 0700 cancel_error_once; any other
 * approves. The first digit picks the 카드사: 3 삼성, 4 신한, 5 KB국민, 9 BC, others 현대.
 */
const byEnding: Record<string, Scenario> = {
  '0002': 'decline',
  '0500': 'pg_error',
  '0501': 'pg_error_once',
  '0600': 'late_answer',
  '0601': 'late_processing',
  '0700': 'cancel_error_once',
};
const issuerByFirstDigit: Record<string, string> = { '3': '51', '4': '41', '5': '11', '9': '31' };

export const DEFAULT_TEST_CARD = '4330123412341234';

export function testCard(number: string) {
  return {
    scenario: byEnding[number.slice(-4)] ?? ('approve' as Scenario),
    issuerCode: issuerByFirstDigit[number[0]!] ?? '61',
    cardType: number[1] === '9' ? '체크' : '신용',
    ownerType: '개인',
    /** As Toss masks it: the first 8 digits, ****, 3 more digits, then * (43301234****123*). */
    masked: `${number.slice(0, 8)}****${number.slice(12, 15)}*`,
  };
}
