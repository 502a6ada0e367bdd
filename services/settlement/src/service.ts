import { existsSync } from 'node:fs';
import type { ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { partsOf } from './parts.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'settlement',
  description: '정산: seller settlements, statements and payouts',
  config,
  migrations,
  routes,
  internal: internalRoutes,
  handlers,
  workers: (deps) => [partsOf(deps).issuerWorker],
  // Statements need their Hangul fonts; without them no statement can be issued.
  readiness: async ({ config: c }) => ({
    statementFonts: existsSync(c.STATEMENT_FONT) && existsSync(c.STATEMENT_FONT_BOLD),
  }),
};
