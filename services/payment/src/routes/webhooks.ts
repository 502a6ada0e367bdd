import { type App, createRoute, jsonBody, jsonResponse, problems, z } from '@mp/platform';
import type { PaymentContext } from '../domain/context.ts';
import { receiveWebhook, tossWebhook } from '../domain/webhooks.ts';

const webhook = createRoute({
  method: 'post',
  path: '/api/v1/payments/webhooks/toss',
  summary:
    'Toss Payments webhooks (PAYMENT_STATUS_CHANGED, DEPOSIT_CALLBACK). The body is only a nudge: the payment is re-queried from the PG.',
  request: { body: jsonBody(tossWebhook) },
  responses: {
    200: jsonResponse(z.object({ received: z.literal(true), outcome: z.string() }), 'Received'),
    ...problems(400, 503),
  },
});

export function webhookRoutes(app: App, ctx: PaymentContext) {
  app.openapi(webhook, async (c) =>
    c.json({ received: true as const, outcome: await receiveWebhook(ctx, c.req.valid('json')) }, 200),
  );
}
