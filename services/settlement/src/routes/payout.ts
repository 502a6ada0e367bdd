import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { Deps } from '../config.ts';
import { markPaid } from '../domain/payout.ts';
import { visibleSettlement } from './access.ts';
import { idParam, settlementView, toView } from './views.ts';

const payout = createRoute({
  method: 'post',
  path: '/api/v1/settlements/{id}/payout',
  summary: '정산 지급: marks an issued settlement paid (admin) → settlement.paid',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        reference: z
          .string()
          .trim()
          .min(1)
          .max(100)
          .optional()
          .openapi({ description: 'the bank transfer reference' }),
      }),
    ),
  },
  responses: {
    200: jsonResponse(settlementView, 'The settlement, now PAID'),
    ...problems(400, 401, 403, 404, 409),
  },
});

export function payoutRoutes(app: App, deps: Deps) {
  app.openapi(payout, async (c) => {
    const who = principalOf(c);
    const { id } = c.req.valid('param');
    await markPaid(deps, id, who.userId, c.req.valid('json').reference);
    return c.json(toView(await visibleSettlement(deps.db, id, who)), 200);
  });
}
