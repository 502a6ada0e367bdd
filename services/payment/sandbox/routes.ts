import type { App, Kysely } from '@mp/platform';
import { apiRoutes } from './api.ts';
import { billingRoutes } from './billing.ts';
import { type SandboxKit, type SandboxOptions, sandboxKit } from './kit.ts';
import { windowRoutes } from './window.ts';

export { SANDBOX_BASE, type SandboxOptions, type Scenario, scenarios } from './kit.ts';

/**
 * A PG sandbox that speaks Toss Payments' API (local profiles and tests only), plus what Toss's
 * payment window does in a browser: `POST /sandbox/pg/window/payments` gives the `paymentKey` a
 * client then passes to `POST /api/v1/payments/confirm`, and a virtual-account deposit; the card
 * registration window (`POST /sandbox/pg/window/billing-auth`) and the 자동결제 (billing) API.
 */
export function sandboxRoutes(app: App, anyDb: Kysely<unknown>, o: SandboxOptions): SandboxKit {
  const kit = sandboxKit(anyDb, o);
  windowRoutes(app, kit);
  billingRoutes(app, kit);
  apiRoutes(app, kit);
  return kit;
}
