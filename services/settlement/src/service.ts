import { existsSync } from 'node:fs';
import type { ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { type PartsOptions, partsOf, SANDBOX_BANK_CLIENT } from './parts.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';
import { bankSandbox } from './sandbox/bank.ts';

/** The settlement service; tests pass a `fetch` that reaches the bank sandbox through the app itself. */
export function settlementService(o: PartsOptions = {}): ServiceDefinition<Database, typeof config> {
  return {
    name: 'settlement',
    description: '정산: seller settlements, statements and payouts; the bank sandbox locally',
    config,
    migrations,
    routes(app, deps) {
      partsOf(deps, o);
      routes(app, deps);
      if (deps.config.LOCAL_DEV)
        bankSandbox(app, deps.db as never, {
          clientId: deps.config.BANK_CLIENT_ID ?? SANDBOX_BANK_CLIENT.clientId,
          clientSecret: deps.config.BANK_CLIENT_SECRET ?? SANDBOX_BANK_CLIENT.clientSecret,
        });
    },
    internal: internalRoutes,
    handlers,
    workers: (deps) => [partsOf(deps, o).issuerWorker, partsOf(deps, o).payoutWorker],
    // Statements need their Hangul fonts; without them no statement can be issued.
    readiness: async ({ config: c }) => ({
      statementFonts: existsSync(c.STATEMENT_FONT) && existsSync(c.STATEMENT_FONT_BOLD),
    }),
  };
}

export const service = settlementService();
