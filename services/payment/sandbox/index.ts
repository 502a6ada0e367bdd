import type { LocalMount } from '@mp/platform';
import { SANDBOX_SECRET_KEY } from '../src/config.ts';
import type { Fetch, PaymentServiceContext } from '../src/context.ts';
import { sandboxRoutes } from './routes.ts';

/**
 * The PG sandbox as a local run mounts it (LOCAL_MODULE names this file; no image has it): Toss's
 * API and its windows under /sandbox/pg. Tests pass a `fetch` that reaches the app itself.
 */
export function paymentSandbox(o: { fetch?: Fetch } = {}): LocalMount<PaymentServiceContext> {
  return (app, { db, config: c }) =>
    sandboxRoutes(app, db as never, {
      secretKey: c.TOSS_SECRET_KEY ?? SANDBOX_SECRET_KEY,
      delayMs: c.PG_SANDBOX_DELAY_MS,
      webhookUrl: c.PG_SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${c.PORT}/api/v1/payments/webhooks/toss`,
      fetch: o.fetch ?? ((url, init) => fetch(url, init)),
    });
}

export default paymentSandbox();
