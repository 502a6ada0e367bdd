import { type App, createRoute, principalOf, problems, requireRole, unavailable, z } from '@mp/platform';
import type { SettlementContext } from '../context.ts';
import { visibleSettlement } from './access.ts';
import { idParam } from './views.ts';

const statement = createRoute({
  method: 'get',
  path: '/api/v1/settlements/{id}/statement',
  summary: 'The statement (정산서) as a PDF; issued now if the settlement has none yet',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: {
    200: {
      description: 'The statement',
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...problems(400, 401, 403, 404, 503),
  },
});

export function statementRoutes(app: App, deps: SettlementContext) {
  app.openapi(statement, async (c) => {
    const who = principalOf(c);
    const id = c.req.valid('param').id;
    let s = await visibleSettlement(deps.db, id, who);
    const { issuer, storage } = deps;
    const storageDown = (err: unknown) => {
      deps.log.error({ err, settlementId: id }, 'statement storage failed');
      return unavailable('STATEMENT_UNAVAILABLE', 'The statement cannot be fetched right now; try again');
    };
    if (!s.statement_key) {
      await issuer.issue(id).catch((err) => {
        throw storageDown(err);
      });
      s = await visibleSettlement(deps.db, id, who);
    }
    const pdf = await storage.get(s.statement_key!).catch((err) => {
      throw storageDown(err);
    });
    if (!pdf) throw storageDown(new Error(`statement ${s.statement_key} is missing from storage`));
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="settlement-${s.period_from}_${s.period_to}-${s.id}.pdf"`,
      'cache-control': 'private, no-store',
    });
  });
}
