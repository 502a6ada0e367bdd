import { type App, configRoutes, createRoute, jsonResponse, sql, z } from '@mp/platform';
import type { StatsContext } from '../config.ts';
import { addDays, kstDate } from '../domain/calendar.ts';
import { dailyJob } from '../domain/daily.ts';
import { dayFigures } from '../domain/figures.ts';
import { PLATFORM } from '../domain/sales.ts';

const day = z.object({
  date: z.string(),
  orders: z.int(),
  paidOrders: z.int(),
  paidAmount: z.int(),
  completedAmount: z.int(),
  refunds: z.int(),
  refundedAmount: z.int(),
  signups: z.int(),
  logins: z.int(),
  activeUsers: z.int(),
  newProducts: z.int(),
  couponUses: z.int(),
  couponDiscount: z.int(),
});

const dashboard = createRoute({
  method: 'get',
  path: '/internal/dashboard',
  summary: 'Figures for the admin dashboard: today, yesterday and the last 7 days (Korean time)',
  responses: {
    200: jsonResponse(
      z.object({
        today: day,
        yesterday: day,
        last7Days: z.array(z.object({ date: z.string(), orders: z.int(), paidAmount: z.int() })),
      }),
      'Figures',
    ),
  },
});

const job = createRoute({
  method: 'post',
  path: '/internal/jobs/daily',
  summary:
    'The daily job (a Dapr cron input binding): yesterday’s figures and last month’s report, once each',
  responses: {
    200: jsonResponse(
      z.object({ date: z.string(), published: z.boolean(), report: z.string().nullable() }),
      'Done',
    ),
  },
});

export function internalRoutes(app: App, { deps, storage }: StatsContext): void {
  const { db } = deps;

  app.openapi(dashboard, async (c) => {
    const today = kstDate(new Date());
    const from = addDays(today, -6);
    const { rows } = await sql<{ date: string; orders: number; paidAmount: number }>`
      select to_char(d, 'YYYY-MM-DD') as date, coalesce(s.orders, 0) as orders, coalesce(s.paid_amount, 0) as "paidAmount"
      from generate_series(${from}::date, ${today}::date, interval '1 day') d
      left join sales_daily s on s.day = d::date and s.seller_id = ${PLATFORM} order by d`.execute(db);
    return c.json(
      {
        today: await dayFigures(db, today),
        yesterday: await dayFigures(db, addDays(today, -1)),
        last7Days: rows,
      },
      200,
    );
  });

  app.openapi(job, async (c) => {
    const result = await dailyJob(deps, storage);
    deps.log.info(result, 'daily stats job');
    return c.json(result, 200);
  });

  configRoutes(app, db, 'stats');
}
