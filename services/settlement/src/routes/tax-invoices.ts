import {
  type App,
  createRoute,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  validationFailed,
  z,
} from '@mp/platform';
import type { Deps } from '../config.ts';
import { taxInvoiceCsv, taxInvoiceOf } from '../domain/tax-invoice.ts';
import { visibleSettlement } from './access.ts';
import { idParam } from './views.ts';

const party = z.object({
  name: z.string().nullable(),
  businessNumber: z.string().nullable(),
  representative: z.string().nullable(),
});
const taxInvoiceView = z
  .object({
    settlementId: z.string(),
    issuer: party.openapi({ description: '공급자: the platform' }),
    recipient: party.extend({ address: z.string().nullable() }).nullable().openapi({
      description: "공급받는자: the seller's business, as the statement printed it; null before it is issued",
    }),
    item: z.string(),
    supplyAmount: z.int().openapi({ description: '공급가액: the commission net of refunds' }),
    vat: z.int().openapi({ description: '세액: 10 %, won fractions cut' }),
    total: z.int().openapi({ description: '합계금액' }),
    supplyDate: z.iso.date().openapi({ description: "작성일자: the period's last day (KST)" }),
    issueDate: z.iso
      .date()
      .nullable()
      .openapi({ description: '발급일: the day the statement was issued (KST)' }),
  })
  .openapi('TaxInvoice');

const one = createRoute({
  method: 'get',
  path: '/api/v1/settlements/{id}/tax-invoice',
  summary: "세금계산서 data of a settlement's commission (the seller its own, an admin any)",
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: { 200: jsonResponse(taxInvoiceView, 'The tax invoice data'), ...problems(400, 401, 403, 404) },
});

const csv = createRoute({
  method: 'get',
  path: '/api/v1/settlements/tax-invoices',
  summary:
    '세금계산서 data as CSV: one row per issued settlement of the periods in range (the seller its own, an admin all)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      from: z.iso.date().openapi({ description: 'periods ending on or after this date' }),
      to: z.iso.date().openapi({ description: 'periods starting on or before this date' }),
      sellerId: z.string().max(64).optional().openapi({ description: 'admin only' }),
    }),
  },
  responses: {
    200: {
      description: 'CSV, UTF-8 with a BOM',
      content: { 'text/csv': { schema: z.string() } },
    },
    ...problems(400, 401, 403),
  },
});

export function taxInvoiceRoutes(app: App, deps: Deps) {
  const { db, config } = deps;
  app.openapi(csv, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    if (q.from > q.to) throw validationFailed([{ path: 'from', message: 'must not be after `to`' }]);
    let query = db
      .selectFrom('settlements')
      .selectAll()
      .where('status', '<>', 'CALCULATED')
      .where('period_to', '>=', q.from)
      .where('period_from', '<=', q.to)
      .orderBy('period_from')
      .orderBy('seller_id')
      .limit(10_000);
    const sellerId = who.role === 'admin' ? q.sellerId : who.userId;
    if (sellerId) query = query.where('seller_id', '=', sellerId);
    const rows = await query.execute();
    const body = taxInvoiceCsv(
      rows.map((s) => ({
        id: s.id,
        sellerId: s.seller_id,
        periodFrom: s.period_from,
        periodTo: s.period_to,
        invoice: taxInvoiceOf(s, config),
      })),
    );
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="tax-invoices-${q.from}_${q.to}.csv"`,
      'cache-control': 'private, no-store',
    });
  });
  app.openapi(one, async (c) => {
    const s = await visibleSettlement(db, c.req.valid('param').id, principalOf(c));
    return c.json({ settlementId: s.id, ...taxInvoiceOf(s, config) }, 200);
  });
}
