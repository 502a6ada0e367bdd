import type { SavedMethod } from './context.ts';

/** Toss's 카드사 codes (issuerCode) → the names buyers know. */
const issuers: Record<string, string> = {
  '3K': '기업비씨',
  '46': '광주',
  '71': '롯데',
  '30': '산업',
  '31': 'BC',
  '51': '삼성',
  '38': '새마을',
  '41': '신한',
  '62': '신협',
  '36': '씨티',
  '33': '우리',
  W1: '우리',
  '37': '우체국',
  '39': '저축',
  '35': '전북',
  '42': '제주',
  '15': '카카오뱅크',
  '3A': '케이뱅크',
  '24': '토스뱅크',
  '21': '하나',
  '61': '현대',
  '11': 'KB국민',
  '91': 'NH농협',
  '34': '수협',
  '4V': 'VISA',
  '4M': 'MASTER',
  '4J': 'JCB',
  '7A': 'AMEX',
};

/** A saved method as its owner sees it: never the billing key or the customerKey. */
export const toMethodDto = (m: SavedMethod) => ({
  id: m.id,
  kind: m.kind,
  card: {
    issuerCode: m.issuer_code,
    issuer: issuers[m.issuer_code] ?? m.issuer_code,
    number: m.card_number,
    cardType: m.card_type,
    ownerType: m.owner_type,
  },
  nickname: m.nickname,
  isDefault: m.is_default,
  createdAt: m.created_at.toISOString(),
});
