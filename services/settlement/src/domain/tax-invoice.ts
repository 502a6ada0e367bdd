/**
 * 세금계산서 data for the commission: the platform (공급자) bills the seller's business (공급받는자)
 * its commission (공급가액, net of refunds) and 10 % VAT. 작성일자 is the period's last day (the
 * commission's supply falls within the period), issued with the statement. A negative supply amount
 * (refunds reversing more commission than the period charged) is a 수정세금계산서's figure.
 */
import type { Selectable } from '@mp/platform';
import type { Config } from '../config.ts';
import type { SettlementsTable, TaxRecipient } from '../db/schema.ts';
import { kstDate } from './periods.ts';

export interface TaxInvoice {
  issuer: { name: string | null; businessNumber: string | null; representative: string | null };
  recipient: TaxRecipient | null;
  item: string;
  supplyAmount: number;
  vat: number;
  total: number;
  /** 작성일자: the period's last day (KST). */
  supplyDate: string;
  /** 발급일: the day the statement was issued (KST); null before. */
  issueDate: string | null;
}

export type PlatformBusiness = Pick<
  Config,
  'PLATFORM_BUSINESS_NAME' | 'PLATFORM_BUSINESS_NUMBER' | 'PLATFORM_REPRESENTATIVE'
>;

export function taxInvoiceOf(
  s: Pick<
    Selectable<SettlementsTable>,
    'commission' | 'commission_reversed' | 'commission_vat' | 'tax_recipient' | 'period_to' | 'completed_at'
  >,
  platform: PlatformBusiness,
): TaxInvoice {
  const supplyAmount = s.commission - s.commission_reversed;
  return {
    issuer: {
      name: platform.PLATFORM_BUSINESS_NAME ?? null,
      businessNumber: platform.PLATFORM_BUSINESS_NUMBER ?? null,
      representative: platform.PLATFORM_REPRESENTATIVE ?? null,
    },
    recipient: s.tax_recipient,
    item: '판매수수료',
    supplyAmount,
    vat: s.commission_vat,
    total: supplyAmount + s.commission_vat,
    supplyDate: s.period_to,
    issueDate: s.completed_at ? kstDate(s.completed_at) : null,
  };
}

const CSV_HEAD = [
  '정산번호',
  '판매자ID',
  '정산기간',
  '작성일자',
  '발급일',
  '공급자 상호',
  '공급자 사업자등록번호',
  '공급자 대표자',
  '공급받는자 상호',
  '공급받는자 사업자등록번호',
  '공급받는자 대표자',
  '공급받는자 주소',
  '품목',
  '공급가액',
  '세액',
  '합계금액',
];

/** A cell as RFC 4180 quotes it, and never a formula a spreadsheet would run (=, +, -, @ first). */
const cell = (v: string | number | null) => {
  let t = v === null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(t)) t = `'${t}`;
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/** The CSV export (UTF-8 with a BOM, so spreadsheets read the Hangul). */
export function taxInvoiceCsv(
  rows: { id: string; sellerId: string; periodFrom: string; periodTo: string; invoice: TaxInvoice }[],
): string {
  const lines = [CSV_HEAD.join(',')];
  for (const r of rows) {
    const i = r.invoice;
    lines.push(
      [
        r.id,
        r.sellerId,
        `${r.periodFrom}~${r.periodTo}`,
        i.supplyDate,
        i.issueDate,
        i.issuer.name,
        i.issuer.businessNumber,
        i.issuer.representative,
        i.recipient?.name ?? null,
        i.recipient?.businessNumber ?? null,
        i.recipient?.representative ?? null,
        i.recipient?.address ?? null,
        i.item,
        i.supplyAmount,
        i.vat,
        i.total,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
