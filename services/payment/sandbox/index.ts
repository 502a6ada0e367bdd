import type { LocalMount } from '@mp/platform';
import { SANDBOX_SECRET_KEY } from '../src/config.ts';
import type { Fetch, PaymentServiceContext } from '../src/context.ts';
import { windowBody } from './kit.ts';
import { sandboxRoutes } from './routes.ts';
import { openWindow } from './window.ts';

/**
 * The PG sandbox as a local run mounts it (LOCAL_MODULE names this file; no image has it): Toss's
 * API and its windows under /sandbox/pg. Tests pass a `fetch` that reaches the app itself.
 */
export function paymentSandbox(o: { fetch?: Fetch } = {}): LocalMount<PaymentServiceContext> {
  return (app, ctx) => {
    const { db, config: c } = ctx;
    const kit = sandboxRoutes(app, db as never, {
      secretKey: c.TOSS_SECRET_KEY ?? SANDBOX_SECRET_KEY,
      delayMs: c.PG_SANDBOX_DELAY_MS,
      webhookUrl: c.PG_SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${c.PORT}/api/v1/payments/webhooks/toss`,
      fetch: o.fetch ?? ((url, init) => fetch(url, init)),
    });
    // The PG is this sandbox (the context's window is set only then): the headless mode's payments
    // open their window here, in-process, instead of by an HTTP request to the app itself. The
    // window is a browser's part, not Toss's API: the confirmation still goes to the API over HTTP.
    if (ctx.window)
      ctx.window = async (input) => {
        const row = await openWindow(kit, windowBody.parse(input));
        if ('code' in row) throw new Error(`the sandbox's payment window refused: ${row.code}`);
        return { paymentKey: row.payment_key };
      };
  };
}

export default paymentSandbox();
