/**
 * 월간 매출 리포트: a month's sales as a CSV file in S3 (UTF-8 with a byte-order mark, so that
 * spreadsheet programs read the Hangul headers), announced by `stats.report.generated`. The
 * automatic report of a month is made once (a unique index); an admin may ask for a fresh one.
 */

import type { Documents } from '@mp/documents';
import { newId, sql } from '@mp/platform';
import type { Deps } from '../config.ts';
import { addDays, kstMidnight, monthEnd } from './calendar.ts';
import { dayFigures, type SalesFigures, salesSeries } from './figures.ts';
import { PLATFORM } from './sales.ts';

export const MONTHLY_SALES = 'MONTHLY_SALES';

const header = [
  'scope',
  'seller_id',
  'date',
  '주문수(orders)',
  '주문금액(ordered)',
  '결제건수(paid_orders)',
  '결제금액(paid)',
  '구매확정건수(completed_orders)',
  '구매확정금액(completed)',
  '취소건수(cancelled)',
  '환불건수(refunds)',
  '환불금액(refunded)',
  '가입자(signups)',
  '신규상품(new_products)',
  '로그인(logins)',
];
const csvCell = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replaceAll('"', '""')}"`);

export async function monthlySalesCsv(db: Deps['db'], month: string): Promise<{ csv: string; rows: number }> {
  const from = `${month}-01`;
  const to = monthEnd(month);
  const lines: (string | number)[][] = [];
  const days = await salesSeries(db, { granularity: 'day', from, to, sellerId: null });
  for (const d of days.items) {
    const extra = await dayFigures(db, d.period);
    lines.push(['PLATFORM', '', d.period, ...figures(d), extra.signups, extra.newProducts, extra.logins]);
  }
  lines.push(['PLATFORM', '', 'TOTAL', ...figures(days.totals), '', '', '']);
  const { rows: sellers } = await sql<{ seller_id: string }>`
    select distinct seller_id from sales_daily
    where seller_id <> ${PLATFORM} and day between ${from}::date and ${to}::date order by seller_id`.execute(
    db,
  );
  for (const { seller_id } of sellers) {
    const s = await salesSeries(db, { granularity: 'month', from, to, sellerId: seller_id });
    lines.push(['SELLER', seller_id, 'TOTAL', ...figures(s.totals), '', '', '']);
  }
  const csv = `\uFEFF${[header, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
  return { csv, rows: lines.length };
}

const figures = (f: SalesFigures) => [
  f.orders,
  f.orderedAmount,
  f.paidOrders,
  f.paidAmount,
  f.completedOrders,
  f.completedAmount,
  f.cancelledOrders,
  f.refunds,
  f.refundedAmount,
];

/** Makes the month's report; `undefined` when it is the automatic one and it exists already. */
export async function generateMonthlySales(
  { db, events }: Pick<Deps, 'db' | 'events'>,
  storage: Documents,
  o: { month: string; automatic: boolean; requestedBy?: string },
): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const id = newId();
    const key = `reports/monthly-sales/${o.month}/${id}.csv`;
    const made = await trx
      .insertInto('reports')
      .values({
        id,
        kind: MONTHLY_SALES,
        period_from: `${o.month}-01`,
        period_to: monthEnd(o.month),
        automatic: o.automatic,
        requested_by: o.requestedBy ?? null,
        file_key: key,
        rows: 0,
        size: 0,
        generated_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['kind', 'period_from']).where(sql<boolean>`automatic`).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!made) return undefined;
    const { csv, rows } = await monthlySalesCsv(db, o.month);
    const body = Buffer.from(csv, 'utf8');
    await storage.put(key, body, 'text/csv; charset=utf-8');
    const generatedAt = new Date();
    await trx
      .updateTable('reports')
      .set({ rows, size: body.length, generated_at: generatedAt })
      .where('id', '=', id)
      .execute();
    await events.publish(trx, 'stats.report.generated', {
      reportId: id,
      kind: MONTHLY_SALES,
      from: kstMidnight(`${o.month}-01`).toISOString(),
      to: kstMidnight(addDays(monthEnd(o.month), 1)).toISOString(),
      generatedAt: generatedAt.toISOString(),
    });
    return id;
  });
}
