import { refundQuery, refundRetry } from '@mp/contracts';
import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../../db/schema.ts';

const refund = z.record(z.string(), z.unknown());

const list = createRoute({
  method: 'get',
  path: '/api/v1/admin/refunds',
  summary:
    '환불 실패 목록: refunds the PG refused (FAILED, the default), or those still PENDING or DONE, with the PG’s last error',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: refundQuery,
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(refund) }), 'Refunds, oldest first'),
    ...problems(400, 401, 403, 503),
  },
});

const retry = createRoute({
  method: 'post',
  path: '/api/v1/admin/refunds/{id}/retry',
  summary:
    '환불 재시도: sends a FAILED refund to the PG again (a virtual account’s: with the refund account the buyer gave, or a corrected one here)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: z.uuid() }),
    body: jsonBody(refundRetry),
  },
  responses: {
    200: jsonResponse(refund, 'Queued again (PENDING)'),
    ...problems(400, 401, 403, 404, 409, 503),
  },
});

/** Failed refunds, seen and retried from the back office (payment keeps them; calls.ts lists both calls). */
export function refundRoutes(app: App, { dapr }: ServiceDeps<Database>) {
  app.openapi(list, async (c) => {
    return c.json(await dapr.call('payment.refunds.list', { query: c.req.valid('query') }), 200);
  });
  app.openapi(retry, async (c) => {
    const result = await dapr.call('payment.refunds.retry', {
      params: { id: c.req.valid('param').id },
      body: c.req.valid('json'),
    });
    return c.json(result, 200);
  });
}
