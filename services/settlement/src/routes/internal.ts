import { settlementRun } from '@mp/contracts';
import {
  type App,
  configRoutes,
  createRoute,
  currentConfig,
  jsonBody,
  jsonResponse,
  problems,
  sql,
  unprocessable,
  validationFailed,
  z,
} from '@mp/platform';
import type { SettlementContext } from '../context.ts';
import { endedPeriod, lastClosedPeriod } from '../domain/periods.ts';
import { runSettlements } from '../domain/run.ts';
import { settlementView, toView } from './views.ts';

const runResult = z.object({
  period: z.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string() }),
  created: z.int(),
  settlements: z.array(settlementView),
});

const run = createRoute({
  method: 'post',
  path: '/internal/settlements/run',
  summary: 'Runs settlement for a period (admin forwards POST /api/v1/admin/settlements/run here)',
  request: { body: jsonBody(settlementRun) },
  responses: { 200: jsonResponse(runResult, 'The settlements of the period'), ...problems(400, 422) },
});

const job = createRoute({
  method: 'post',
  path: '/internal/jobs/settlement-run',
  summary: 'The scheduled run (a Dapr cron input binding): closes the last ended period of the cycle',
  responses: {
    200: jsonResponse(
      z.object({ status: z.enum(['RAN', 'DISABLED']), period: z.string().optional(), created: z.int() }),
      'Done',
    ),
  },
});

const summary = createRoute({
  method: 'get',
  path: '/internal/summary',
  summary: 'Figures for the admin dashboard',
  responses: {
    200: jsonResponse(
      z.object({
        unsettled: z.object({
          payableLines: z.int(),
          payableNetAmount: z.int(),
          awaitingConfirmationLines: z.int(),
          awaitingConfirmationGrossAmount: z.int(),
        }),
        byStatus: z.record(z.string(), z.object({ count: z.int(), netAmount: z.int() })),
        paidThisMonth: z.object({ count: z.int(), amount: z.int() }),
      }),
      'Figures',
    ),
  },
});

export function internalRoutes(app: App, deps: SettlementContext) {
  const { db } = deps;

  app.openapi(run, async (c) => {
    const body = c.req.valid('json');
    const p = endedPeriod(body.from, body.to);
    const result = await runSettlements(deps, {
      period: p,
      trigger: 'MANUAL',
      ...(body.requestedBy ? { requestedBy: body.requestedBy } : {}),
      ...(body.sellerId ? { sellerId: body.sellerId } : {}),
    });
    if (result.created.length) deps.wakeIssuer();
    const rows = result.settlementIds.length
      ? await db
          .selectFrom('settlements')
          .selectAll()
          .where('id', 'in', result.settlementIds)
          .orderBy('seller_id')
          .execute()
      : [];
    return c.json(
      {
        period: { from: p.from, to: p.to, start: p.start.toISOString(), end: p.end.toISOString() },
        created: result.created.length,
        settlements: rows.map(toView),
      },
      200,
    );
  });

  app.openapi(job, async (c) => {
    const schedule = await currentConfig(db, 'settlement.schedule');
    if (!schedule.enabled) return c.json({ status: 'DISABLED' as const, created: 0 }, 200);
    const p = lastClosedPeriod(schedule.cycle, new Date());
    const result = await runSettlements(deps, { period: p, trigger: 'SCHEDULED' });
    deps.log.info(
      { period: `${p.from}..${p.to}`, created: result.created.length },
      'scheduled settlement run',
    );
    if (result.created.length) deps.wakeIssuer();
    return c.json(
      { status: 'RAN' as const, period: `${p.from}..${p.to}`, created: result.created.length },
      200,
    );
  });

  app.openapi(summary, async (c) => {
    const { rows: lines } = await sql<{ payable: boolean; lines: number; gross: number; net: number }>`
      select payable_at is not null as payable, count(*)::int as lines,
        coalesce(sum(gross), 0)::bigint as gross, coalesce(sum(net), 0)::bigint as net
      from lines where settlement_id is null group by 1`.execute(db);
    const { rows: deductions } = await sql<{ amount: number }>`
      select coalesce(sum(deduction), 0)::bigint as amount from refunds
      where settlement_id is null and due_at is not null`.execute(db);
    const { rows: statuses } = await sql<{ status: string; count: number; net: number }>`
      select status, count(*)::int as count, coalesce(sum(net_amount), 0)::bigint as net
      from settlements group by status`.execute(db);
    const { rows: paid } = await sql<{ count: number; amount: number }>`
      select count(*)::int as count, coalesce(sum(net_amount), 0)::bigint as amount from settlements
      where status = 'PAID'
        and paid_at >= (date_trunc('month', now() at time zone 'Asia/Seoul') at time zone 'Asia/Seoul')`.execute(
      db,
    );
    const payable = lines.find((l) => l.payable) ?? { lines: 0, net: 0 };
    const waiting = lines.find((l) => !l.payable) ?? { lines: 0, gross: 0 };
    const byStatus: Record<string, { count: number; netAmount: number }> = {};
    for (const s of ['CALCULATED', 'COMPLETED', 'PAID']) {
      const r = statuses.find((x) => x.status === s);
      byStatus[s] = { count: r?.count ?? 0, netAmount: r?.net ?? 0 };
    }
    return c.json(
      {
        unsettled: {
          payableLines: payable.lines,
          payableNetAmount: payable.net - (deductions[0]?.amount ?? 0),
          awaitingConfirmationLines: waiting.lines,
          awaitingConfirmationGrossAmount: waiting.gross,
        },
        byStatus,
        paidThisMonth: { count: paid[0]?.count ?? 0, amount: paid[0]?.amount ?? 0 },
      },
      200,
    );
  });

  configRoutes(app, db, 'settlement');
}
