import type { LocalMount, ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { type Fetch, type PaymentServiceContext, paymentContext } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { jobRunner } from './domain/runner.ts';
import { handlers } from './events/handlers.ts';
import { methodRoutes } from './routes/methods.ts';
import { paymentRoutes } from './routes/payments.ts';
import { refundInternalRoutes } from './routes/refunds-internal.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/**
 * The payment service. A local run passes the PG sandbox (`local`, services/payment/sandbox);
 * tests pass a `fetch` that reaches it through the app itself.
 */
export function paymentService(
  o: { fetch?: Fetch; local?: LocalMount<PaymentServiceContext> } = {},
): ServiceDefinition<Database, typeof config, PaymentServiceContext> {
  const doFetch: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  return {
    name: 'payment',
    description: '결제: payments through the PG (Toss Payments), refunds, webhooks; the PG sandbox locally',
    config,
    migrations,
    context: (deps) => paymentContext(deps, doFetch),
    routes(app, ctx) {
      // Before paymentRoutes: /api/v1/payments/methods is no payment id.
      methodRoutes(app, ctx);
      paymentRoutes(app, ctx);
      webhookRoutes(app, ctx);
      refundInternalRoutes(app, ctx);
    },
    ...(o.local ? { local: o.local } : {}),
    handlers: (ctx) => handlers(ctx, ctx.autoApprove),
    workers: (ctx) => [
      jobRunner(ctx, {
        databaseUrl: ctx.config.DATABASE_URL,
        schema: ctx.config.DB_SCHEMA,
        pollMs: ctx.config.PAYMENT_JOBS_POLL_MS,
        log: ctx.log,
      }),
    ],
  };
}

export const service = paymentService();
