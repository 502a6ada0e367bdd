/** The statement (정산서) as a PDF: a summary of the figures, then every line and refund. */
import PDFDocument from 'pdfkit';
import type { SellerBusiness } from './seller-business.ts';
import type { TaxInvoice } from './tax-invoice.ts';

export interface StatementData {
  settlementId: string;
  sellerId: string;
  storeName: string | null;
  /** 사업자 정보 (null when the seller service does not know the seller). */
  business: Omit<SellerBusiness, 'storeName'> | null;
  periodFrom: string;
  periodTo: string;
  status: string;
  calculatedAt: Date;
  figures: {
    grossAmount: number;
    commission: number;
    couponBurden: number;
    shippingFee: number;
    refundAmount: number;
    returnShippingFee: number;
    commissionVat: number;
    carriedOver: number;
    netAmount: number;
  };
  /** 세금계산서 data of the commission. */
  taxInvoice: TaxInvoice;
  lines: {
    orderId: string;
    confirmedAt: Date | null;
    gross: number;
    commission: number;
    couponBurden: number;
    shippingFee: number;
    net: number;
  }[];
  refunds: { refundId: string; orderId: string; refundedAt: Date; gross: number; deduction: number }[];
}

export interface Fonts {
  regular: string;
  bold: string;
}

const business = (b: StatementData['business']): [string, string][] =>
  b
    ? [
        ['사업자등록번호 (Business no.)', b.businessNumber],
        ['대표자 (Representative)', b.representative],
        ['통신판매업신고번호 (Mail-order no.)', b.mailOrderNumber],
        ...(b.businessAddress ? [['사업장 소재지 (Address)', b.businessAddress] as [string, string]] : []),
      ]
    : [];
const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;
const kst = (d: Date | null, withTime = false) =>
  d
    ? new Intl.DateTimeFormat('ko-KR', {
        timeZone: 'Asia/Seoul',
        dateStyle: 'medium',
        ...(withTime ? { timeStyle: 'short' } : {}),
      }).format(d)
    : '—';

export async function renderStatement(s: StatementData, fonts: Fonts): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: {
      Title: `정산서 ${s.periodFrom} ~ ${s.periodTo}`,
      Author: 'Marketplace 정산',
      Subject: `settlement ${s.settlementId} of seller ${s.sellerId}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font('bold').fontSize(20).text('정산서 (Settlement Statement)', { align: 'left' });
  doc.moveDown(0.5).font('regular').fontSize(10);
  const meta: [string, string][] = [
    ['판매자 (Seller)', s.storeName ? `${s.storeName} (${s.sellerId})` : s.sellerId],
    ...business(s.business),
    ['정산 기간 (Period)', `${s.periodFrom} ~ ${s.periodTo} (KST)`],
    ['정산 번호 (Settlement)', s.settlementId],
    ['정산일 (Calculated)', kst(s.calculatedAt, true)],
  ];
  for (const [k, v] of meta) doc.text(`${k}: ${v}`);

  doc.moveDown().font('bold').fontSize(13).text('정산 요약 (Summary)');
  doc.moveDown(0.3).fontSize(10);
  const summary: [string, number][] = [
    ['판매금액 (Gross sales)', s.figures.grossAmount],
    ['판매수수료 (Commission)', -s.figures.commission],
    ['판매수수료 부가세 (VAT on commission, 10%)', -s.figures.commissionVat],
    ['판매자 부담 쿠폰 (Seller-funded coupons)', -s.figures.couponBurden],
    ['배송비 (Shipping fees)', s.figures.shippingFee],
    ['환불 차감 (Refunds)', -s.figures.refundAmount],
  ];
  if (s.figures.returnShippingFee)
    summary.push(['반품배송비 (Return shipping fees kept from refunds)', s.figures.returnShippingFee]);
  if (s.figures.carriedOver) summary.push(['이월 차감 (Carried over)', s.figures.carriedOver]);
  for (const [label, amount] of summary) row(doc, [label, won(amount)], [width - 160, 160], 'regular');
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .stroke();
  row(doc, ['정산금액 (Net payable)', won(s.figures.netAmount)], [width - 160, 160], 'bold');

  const t = s.taxInvoice;
  doc.moveDown().font('bold').fontSize(13).text('세금계산서 정보 (Tax invoice for the commission)');
  doc.moveDown(0.3).font('regular').fontSize(9);
  const party = (p: { name: string | null; businessNumber: string | null; representative: string | null }) =>
    [p.name ?? '—', p.businessNumber ?? '—', p.representative ? `대표 ${p.representative}` : null]
      .filter(Boolean)
      .join(' / ');
  for (const [k, v] of [
    ['공급자 (Issuer)', party(t.issuer)],
    ['공급받는자 (Recipient)', t.recipient ? party(t.recipient) : '— (판매자 사업자 정보 없음)'],
    ['품목 (Item)', t.item],
    ['작성일자 (Supply date)', t.supplyDate],
    ['공급가액 (Supply amount)', won(t.supplyAmount)],
    ['세액 (VAT)', won(t.vat)],
    ['합계 (Total)', won(t.total)],
  ] as [string, string][])
    doc.text(`${k}: ${v}`);

  const cols = [172, 58, 62, 52, 48, 48, 59];
  doc.moveDown().font('bold').fontSize(13).text(`주문 내역 (Orders: ${s.lines.length})`);
  doc.moveDown(0.3).fontSize(7.5);
  const head = ['주문번호', '구매확정', '판매금액', '수수료', '쿠폰', '배송비', '정산액'];
  row(doc, head, cols, 'bold');
  for (const l of s.lines) {
    if (doc.y > doc.page.height - 80) {
      doc.addPage();
      row(doc, head, cols, 'bold');
    }
    row(
      doc,
      [
        l.orderId,
        kst(l.confirmedAt),
        won(l.gross),
        won(l.commission),
        won(l.couponBurden),
        won(l.shippingFee),
        won(l.net),
      ],
      cols,
      'regular',
    );
  }
  if (s.refunds.length) {
    const rcols = [165, 165, 58, 55, 56];
    doc.moveDown().font('bold').fontSize(13).text(`환불 차감 (Refunds: ${s.refunds.length})`);
    doc.moveDown(0.3).fontSize(7.5);
    const rhead = ['주문번호', '환불번호', '환불일', '환불 판매금액', '차감액'];
    row(doc, rhead, rcols, 'bold');
    for (const r of s.refunds) {
      if (doc.y > doc.page.height - 80) {
        doc.addPage();
        row(doc, rhead, rcols, 'bold');
      }
      row(doc, [r.orderId, r.refundId, kst(r.refundedAt), won(r.gross), won(r.deduction)], rcols, 'regular');
    }
  }
  doc
    .moveDown(2)
    .font('regular')
    .fontSize(7)
    .fillColor('#555')
    .text(
      '판매수수료는 상품별로 (판매금액 - 판매자 부담 쿠폰) × 수수료율로 계산하며 원 미만은 절사합니다. ' +
        '판매수수료 부가세는 이 정산의 판매수수료(환불로 돌려준 수수료 제외)의 10%이며 원 미만은 절사합니다. ' +
        '배송비는 수수료 없이 지급합니다. 환불은 환불된 수량의 판매금액에서 그 몫의 쿠폰과 수수료를 뺀 금액을 차감합니다.',
      { width },
    );
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function row(doc: PDFKit.PDFDocument, cells: string[], widths: number[], font: 'regular' | 'bold') {
  const y = doc.y;
  let x = doc.page.margins.left;
  doc.font(font);
  cells.forEach((cell, i) => {
    doc.text(cell, x, y, {
      width: widths[i]! - 4,
      align: i === 0 ? 'left' : 'right',
      lineBreak: false,
      ellipsis: true,
    });
    x += widths[i]!;
  });
  doc.x = doc.page.margins.left;
  doc.y = y + doc.currentLineHeight(true) + 2;
}
