import type { App } from '@mp/platform';
import type { SettlementContext } from '../context.ts';
import { bankAccountRoutes } from './bank-account.ts';
import { detailRoutes } from './details.ts';
import { payoutRoutes } from './payout.ts';
import { payoutRoutes as payoutBatchRoutes } from './payouts.ts';
import { settlementRoutes } from './settlements.ts';
import { statementRoutes } from './statement.ts';
import { taxInvoiceRoutes } from './tax-invoices.ts';

/** The public routes of the settlement service. */
export function routes(app: App, deps: SettlementContext): void {
  // Before settlementRoutes: these paths are no settlement id.
  bankAccountRoutes(app, deps);
  payoutBatchRoutes(app, deps);
  taxInvoiceRoutes(app, deps);
  settlementRoutes(app, deps);
  detailRoutes(app, deps);
  statementRoutes(app, deps);
  payoutRoutes(app, deps);
}
