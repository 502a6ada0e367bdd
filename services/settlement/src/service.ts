import { existsSync } from 'node:fs';
import type { LocalMount, ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { type PartsOptions, type SettlementContext, settlementContext } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

/**
 * The settlement service. A local run passes the bank sandbox (`local`, services/settlement/sandbox);
 * tests pass a `fetch` that reaches it through the app itself.
 */
export function settlementService(
  o: PartsOptions & { local?: LocalMount<SettlementContext> } = {},
): ServiceDefinition<Database, typeof config, SettlementContext> {
  return {
    name: 'settlement',
    description: '정산: seller settlements, statements and payouts; the bank sandbox locally',
    config,
    migrations,
    context: (deps) => settlementContext(deps, o),
    routes,
    ...(o.local ? { local: o.local } : {}),
    internal: internalRoutes,
    handlers,
    workers: (ctx) => [ctx.issuerWorker, ctx.payoutWorker, ctx.payoutScheduleWorker],
    // Statements need their Hangul fonts; without them no statement can be issued.
    readiness: async ({ config: c }) => ({
      statementFonts: existsSync(c.STATEMENT_FONT) && existsSync(c.STATEMENT_FONT_BOLD),
    }),
  };
}

export const service = settlementService();
