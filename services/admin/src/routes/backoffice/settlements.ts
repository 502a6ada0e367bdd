import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../../db/schema.ts';

const run = createRoute({
  method: 'post',
  path: '/api/v1/admin/settlements/run',
  summary:
    '정산 실행: settles the period (Korean calendar dates, both included) for every seller with something due, or for one. Idempotent per seller and period.',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    body: jsonBody(
      z.object({
        from: z.iso.date(),
        to: z.iso.date(),
        sellerId: z.string().min(1).max(64).optional(),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        period: z.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string() }),
        created: z.int(),
        settlements: z.array(z.record(z.string(), z.unknown())),
      }),
      'The settlements of the period: made now or by an earlier run',
    ),
    ...problems(400, 401, 403, 422, 503),
  },
});

export function settlementRunRoutes(app: App, { dapr }: ServiceDeps<Database>) {
  app.openapi(run, async (c) => {
    const body = c.req.valid('json');
    const result = await dapr.call('settlement.settlements.run', {
      body: { ...body, requestedBy: principalOf(c).userId },
      timeoutMs: 30_000,
    });
    return c.json(result, 200);
  });
}
