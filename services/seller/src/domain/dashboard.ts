import { type Kysely, sql } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** Days and months are Korea's (KST), as the business counts them. */
const TZ = 'Asia/Seoul';

/**
 * 판매 대시보드: orders and sales of today and of this month, shipments waiting to be
 * dispatched, and the last settlement. Orders count when placed; sales count when paid; a
 * cancelled order counts in neither.
 */
export async function dashboard(db: Kysely<Database>, sellerId: string, now = new Date()) {
  const { rows } = await sql<{
    today_orders: number;
    month_orders: number;
    today_sales: number;
    month_sales: number;
    pending_shipments: number;
  }>`
    with bounds as (
      select (date_trunc('day', ${now}::timestamptz at time zone ${TZ}) at time zone ${TZ}) as day_start,
             (date_trunc('month', ${now}::timestamptz at time zone ${TZ}) at time zone ${TZ}) as month_start
    ), live as (
      select o.*, p.paid_at from seller_orders o
      left join order_payments p on p.order_id = o.order_id
      where o.seller_id = ${sellerId}
        and not exists (select 1 from order_cancellations c where c.order_id = o.order_id)
    )
    select
      (select count(*) from live, bounds where ordered_at >= day_start)::int as today_orders,
      (select count(*) from live, bounds where ordered_at >= month_start)::int as month_orders,
      (select coalesce(sum(amount), 0) from live, bounds where paid_at >= day_start)::bigint as today_sales,
      (select coalesce(sum(amount), 0) from live, bounds where paid_at >= month_start)::bigint as month_sales,
      (select count(*) from seller_shipments s
        where s.seller_id = ${sellerId} and s.requested_at is not null and s.dispatched_at is null
          and not exists (select 1 from order_cancellations c where c.order_id = s.order_id))::int as pending_shipments
  `.execute(db);
  const r = rows[0]!;
  const last = await db
    .selectFrom('seller_settlements')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .orderBy('completed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    timezone: TZ,
    asOf: now.toISOString(),
    today: { orders: r.today_orders, sales: Number(r.today_sales) },
    month: { orders: r.month_orders, sales: Number(r.month_sales) },
    pendingShipments: r.pending_shipments,
    lastSettlement: last
      ? {
          settlementId: last.settlement_id,
          grossAmount: last.gross_amount,
          netAmount: last.net_amount,
          periodStart: last.period_start.toISOString(),
          periodEnd: last.period_end.toISOString(),
          completedAt: last.completed_at.toISOString(),
        }
      : null,
  };
}
