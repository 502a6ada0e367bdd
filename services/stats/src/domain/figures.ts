/** Reading the counters: sales series in day, week (Monday–Sunday) or month buckets, and one day's figures. */
import { type Kysely, sql } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { PLATFORM } from './sales.ts';

export type Granularity = 'day' | 'week' | 'month';

export interface SalesFigures {
  orders: number;
  orderedAmount: number;
  paidOrders: number;
  paidAmount: number;
  completedOrders: number;
  completedAmount: number;
  cancelledOrders: number;
  refunds: number;
  refundedAmount: number;
}

export interface SalesBucket extends SalesFigures {
  /** The bucket's first day (a Monday for weeks, the 1st for months). */
  period: string;
  /** The days of the bucket inside the asked range. */
  from: string;
  to: string;
}

const zero = (): SalesFigures => ({
  orders: 0,
  orderedAmount: 0,
  paidOrders: 0,
  paidAmount: 0,
  completedOrders: 0,
  completedAmount: 0,
  cancelledOrders: 0,
  refunds: 0,
  refundedAmount: 0,
});

/** Every bucket of the range, empty ones included, oldest first. */
export async function salesSeries(
  db: Kysely<Database>,
  q: { granularity: Granularity; from: string; to: string; sellerId: string | null },
): Promise<{ items: SalesBucket[]; totals: SalesFigures }> {
  const g = q.granularity;
  const { rows } = await sql<SalesBucket>`
    with buckets as (
      select b::date as start from generate_series(date_trunc(${g}, ${q.from}::date), ${q.to}::date, ${`1 ${g}`}::interval) b
    )
    select to_char(b.start, 'YYYY-MM-DD') as period,
      to_char(greatest(b.start, ${q.from}::date), 'YYYY-MM-DD') as "from",
      to_char(least((b.start + ${`1 ${g}`}::interval - interval '1 day')::date, ${q.to}::date), 'YYYY-MM-DD') as "to",
      coalesce(sum(s.orders), 0)::int as orders,
      coalesce(sum(s.ordered_amount), 0)::bigint as "orderedAmount",
      coalesce(sum(s.paid_orders), 0)::int as "paidOrders",
      coalesce(sum(s.paid_amount), 0)::bigint as "paidAmount",
      coalesce(sum(s.completed_orders), 0)::int as "completedOrders",
      coalesce(sum(s.completed_amount), 0)::bigint as "completedAmount",
      coalesce(sum(s.cancelled_orders), 0)::int as "cancelledOrders",
      coalesce(sum(s.refunds), 0)::int as refunds,
      coalesce(sum(s.refunded_amount), 0)::bigint as "refundedAmount"
    from buckets b
    left join sales_daily s on s.seller_id = ${q.sellerId ?? PLATFORM}
      and s.day between ${q.from}::date and ${q.to}::date
      and date_trunc(${g}, s.day)::date = b.start
    group by b.start order by b.start`.execute(db);
  const totals = zero();
  for (const r of rows) for (const k of Object.keys(totals) as (keyof SalesFigures)[]) totals[k] += r[k];
  return { items: rows, totals };
}

export interface DayFigures {
  date: string;
  orders: number;
  paidOrders: number;
  paidAmount: number;
  completedAmount: number;
  refunds: number;
  refundedAmount: number;
  signups: number;
  logins: number;
  activeUsers: number;
  newProducts: number;
  couponUses: number;
  couponDiscount: number;
}

/** The platform's figures of one Korean day. */
export async function dayFigures(db: Kysely<Database>, date: string): Promise<DayFigures> {
  const { rows } = await sql<Omit<DayFigures, 'date'>>`
    select
      coalesce((select orders from sales_daily where day = ${date}::date and seller_id = ${PLATFORM}), 0) as orders,
      coalesce((select paid_orders from sales_daily where day = ${date}::date and seller_id = ${PLATFORM}), 0) as "paidOrders",
      coalesce((select paid_amount from sales_daily where day = ${date}::date and seller_id = ${PLATFORM}), 0) as "paidAmount",
      coalesce((select completed_amount from sales_daily where day = ${date}::date and seller_id = ${PLATFORM}), 0) as "completedAmount",
      coalesce((select refunds from sales_daily where day = ${date}::date and seller_id = ${PLATFORM}), 0) as refunds,
      coalesce((select refunded_amount from sales_daily where day = ${date}::date and seller_id = ${PLATFORM}), 0) as "refundedAmount",
      coalesce((select sum(count) from daily_signups where day = ${date}::date), 0)::int as signups,
      coalesce((select logins from logins_daily where day = ${date}::date), 0) as logins,
      coalesce((select users from logins_daily where day = ${date}::date), 0) as "activeUsers",
      coalesce((select sum(created) from products_daily where day = ${date}::date), 0)::int as "newProducts",
      coalesce((select sum(uses) from coupons_daily where day = ${date}::date), 0)::int as "couponUses",
      coalesce((select sum(discount_amount) from coupons_daily where day = ${date}::date), 0)::bigint as "couponDiscount"
  `.execute(db);
  return { date, ...rows[0]! };
}
