import {
  type App,
  createRoute,
  decodeCursor,
  jsonResponse,
  keysetPage,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  sql,
  validationFailed,
  z,
} from '@mp/platform';
import type { Deps } from '../config.ts';
import { commissionVat } from '../domain/arithmetic.ts';
import { visibleSettlement } from './access.ts';
import { idParam, settlementView, toView } from './views.ts';

const listSettlements = createRoute({
  method: 'get',
  path: '/api/v1/settlements',
  summary:
    'Settlements, newest first: a seller sees its own, an admin all (filter by seller, status, period)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: pageQuery.extend({
      status: z.enum(['CALCULATED', 'COMPLETED', 'PAID']).optional(),
      sellerId: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'admin only; a seller always sees its own' }),
      from: z.iso.date().optional().openapi({ description: 'periods ending on or after this date' }),
      to: z.iso.date().optional().openapi({ description: 'periods starting on or before this date' }),
    }),
  },
  responses: { 200: jsonResponse(pageOf(settlementView), 'Settlements'), ...problems(400, 401, 403) },
});

const getSettlement = createRoute({
  method: 'get',
  path: '/api/v1/settlements/{id}',
  summary: 'One settlement',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: { 200: jsonResponse(settlementView, 'The settlement'), ...problems(400, 401, 403, 404) },
});

const pending = createRoute({
  method: 'get',
  path: '/api/v1/settlements/pending',
  summary: '정산 예정: what is not settled yet — payable now, and sold but not yet confirmed (구매확정 대기)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { query: z.object({ sellerId: z.string().max(64).optional() }) },
  responses: {
    200: jsonResponse(
      z.object({
        sellerId: z.string().nullable(),
        payable: z.object({
          lines: z.int(),
          grossAmount: z.int(),
          netAmount: z.int(),
          refundDeductions: z.int(),
          /** 반품배송비 buyers' returns left with the seller, not settled yet. */
          returnShippingFees: z.int(),
        }),
        awaitingConfirmation: z.object({ lines: z.int(), grossAmount: z.int(), netAmount: z.int() }),
      }),
      'Amounts not settled yet',
    ),
    ...problems(400, 401, 403),
  },
});

export function settlementRoutes(app: App, { db }: Deps) {
  app.openapi(pending, async (c) => {
    const who = principalOf(c);
    const sellerId = who.role === 'admin' ? (c.req.valid('query').sellerId ?? null) : who.userId;
    const bySeller = sellerId ? sql`and seller_id = ${sellerId}` : sql``;
    const { rows } = await sql<{
      payable: boolean;
      lines: number;
      gross: number;
      net: number;
      commission: number;
    }>`
      select payable_at is not null as payable, count(*)::int as lines, coalesce(sum(gross), 0)::bigint as gross,
        coalesce(sum(net), 0)::bigint as net, coalesce(sum(commission), 0)::bigint as commission
      from lines where settlement_id is null ${bySeller} group by 1`.execute(db);
    const { rows: refunds } = await sql<{ deduction: number; reversed: number }>`
      select coalesce(sum(deduction), 0)::bigint as deduction,
        coalesce(sum(commission_reversed), 0)::bigint as reversed from refunds
      where settlement_id is null and due_at is not null ${bySeller}`.execute(db);
    const { rows: fees } = await sql<{ amount: number }>`
      select coalesce(sum(amount), 0)::bigint as amount from return_fees
      where settlement_id is null ${bySeller}`.execute(db);
    const of = (payable: boolean) =>
      rows.find((r) => r.payable === payable) ?? { lines: 0, gross: 0, net: 0, commission: 0 };
    const deductions = refunds[0]?.deduction ?? 0;
    // As a run would figure it: less the VAT on the commission kept.
    const vat = commissionVat(of(true).commission - (refunds[0]?.reversed ?? 0));
    return c.json(
      {
        sellerId,
        payable: {
          lines: of(true).lines,
          grossAmount: of(true).gross,
          netAmount: of(true).net - deductions - vat + Number(fees[0]?.amount ?? 0),
          refundDeductions: deductions,
          returnShippingFees: Number(fees[0]?.amount ?? 0),
        },
        awaitingConfirmation: {
          lines: of(false).lines,
          grossAmount: of(false).gross,
          netAmount: of(false).net,
        },
      },
      200,
    );
  });

  app.openapi(listSettlements, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    if (q.from && q.to && q.from > q.to)
      throw validationFailed([{ path: 'from', message: 'must not be after `to`' }]);
    const after = decodeCursor(q.cursor, z.object({ id: z.uuid() }));
    let query = db
      .selectFrom('settlements')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    const sellerId = who.role === 'admin' ? q.sellerId : who.userId;
    if (sellerId) query = query.where('seller_id', '=', sellerId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.from) query = query.where('period_to', '>=', q.from);
    if (q.to) query = query.where('period_from', '<=', q.to);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map(toView),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(getSettlement, async (c) => {
    const s = await visibleSettlement(db, c.req.valid('param').id, principalOf(c));
    return c.json(toView(s), 200);
  });
}
