/**
 * A phone number as SNS wants it (E.164), or undefined when no text message can reach it.
 * Korean numbers as people write them (`010-1234-5678`, `010 1234 5678`, `+82 10-1234-5678`,
 * `82-10-…`) become `+8210…`; only mobile numbers (010, 011, 016–019: 휴대전화) take a 문자,
 * so a Korean landline (02-…, 031-…) gives undefined. Other countries' numbers must already be E.164.
 */
export function e164(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined;
  const compact = phone.replace(/[\s\-().]/g, '');
  let national: string | undefined;
  if (/^01\d{8,9}$/.test(compact)) national = compact.slice(1);
  else if (/^\+?82(0?1\d{8,9})$/.test(compact)) national = compact.replace(/^\+?82/, '').replace(/^0/, '');
  else if (/^\+82/.test(compact)) return undefined;
  else return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : undefined;
  return /^1[016789]\d{7,8}$/.test(national) ? `+82${national}` : undefined;
}
