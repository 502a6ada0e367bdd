import {
  ApiError,
  type App,
  createRoute,
  decodeCursor,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type Selectable,
  unavailable,
  validationFailed,
  z,
} from '@mp/platform';
import type { StatsContext } from '../config.ts';
import type { ReportsTable } from '../db/schema.ts';
import { kstDate } from '../domain/calendar.ts';
import { generateMonthlySales, MONTHLY_SALES } from '../domain/reports.ts';

const reportView = z
  .object({
    id: z.string(),
    kind: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    automatic: z.boolean(),
    rows: z.int(),
    size: z.int(),
    generatedAt: z.string(),
    fileUrl: z.string(),
  })
  .openapi('Report');
const view = (r: Selectable<ReportsTable>) => ({
  id: r.id,
  kind: r.kind,
  period: { from: r.period_from, to: r.period_to },
  automatic: r.automatic,
  rows: r.rows,
  size: r.size,
  generatedAt: r.generated_at.toISOString(),
  fileUrl: `/api/v1/stats/reports/${r.id}/file`,
});
const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

const list = createRoute({
  method: 'get',
  path: '/api/v1/stats/reports',
  summary: 'Generated reports, newest first (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { query: pageQuery },
  responses: { 200: jsonResponse(pageOf(reportView), 'Reports'), ...problems(400, 401, 403) },
});

const create = createRoute({
  method: 'post',
  path: '/api/v1/stats/reports',
  summary: '월간 매출 리포트: makes a month’s sales report now (admin) → stats.report.generated',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    body: jsonBody(
      z.object({
        kind: z.literal(MONTHLY_SALES).default(MONTHLY_SALES),
        month: z.string().regex(/^[1-9]\d{3}-(0[1-9]|1[0-2])$/, 'a month like 2024-03'),
      }),
    ),
  },
  responses: { 201: jsonResponse(reportView, 'The report'), ...problems(400, 401, 403, 503) },
});

const file = createRoute({
  method: 'get',
  path: '/api/v1/stats/reports/{id}/file',
  summary: 'A report’s file (CSV, UTF-8)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: {
    200: { description: 'The CSV', content: { 'text/csv': { schema: z.string() } } },
    ...problems(400, 401, 403, 404, 503),
  },
});

export function reportRoutes(app: App, { deps, storage }: StatsContext): void {
  const { db } = deps;
  const storageDown = (err: unknown) => {
    deps.log.error({ err }, 'report storage failed');
    return unavailable(
      'REPORT_STORAGE_UNAVAILABLE',
      'Reports cannot be stored or fetched right now; try again',
    );
  };

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.uuid() }));
    let query = db
      .selectFrom('reports')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map(view),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(create, async (c) => {
    const { month } = c.req.valid('json');
    if (month > kstDate(new Date()).slice(0, 7))
      throw validationFailed([{ path: 'month', message: 'must not be in the future (Korean time)' }]);
    const id = await generateMonthlySales(deps, storage, {
      month,
      automatic: false,
      requestedBy: principalOf(c).userId,
    }).catch((err) => {
      throw err instanceof ApiError ? err : storageDown(err);
    });
    const row = await db.selectFrom('reports').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    return c.json(view(row), 201);
  });

  app.openapi(file, async (c) => {
    const r = await db
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', c.req.valid('param').id)
      .executeTakeFirst();
    if (!r) throw notFound('REPORT_NOT_FOUND', 'No such report');
    const body = await storage.get(r.file_key).catch((err) => {
      throw storageDown(err);
    });
    if (!body) throw storageDown(new Error(`report file ${r.file_key} is missing`));
    return c.body(new Uint8Array(body), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${r.kind.toLowerCase()}-${r.period_from.slice(0, 7)}.csv"`,
    });
  });
}
