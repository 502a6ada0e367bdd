import {
  type App,
  createRoute,
  isId,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { OrderContext } from '../domain/context.ts';
import { closeExchange } from '../domain/exchange-actions.ts';
import { requestExchange } from '../domain/exchanges.ts';
import { exchangeView } from '../domain/view.ts';
import { exchangeDto, orderId } from './schemas.ts';

const reason = z.string().trim().min(1).max(500);
const params = z.object({ id: z.string().min(1).max(64), exchangeId: z.string().min(1).max(64) });

const request = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/exchanges',
  summary:
    '교환요청 after delivery: delivered units of one seller for another option (size, colour) at the same price',
  middleware: [requireRole('buyer', 'admin')] as const,
  request: {
    params: z.object({ id: z.string().min(1).max(64) }),
    body: jsonBody(
      z.object({
        reason,
        items: z
          .array(
            z.object({
              itemId: z.uuid(),
              quantity: z.int().min(1).max(99),
              newSku: z.string().trim().min(1).max(100),
            }),
          )
          .min(1)
          .max(50),
      }),
    ),
  },
  responses: { 201: jsonResponse(exchangeDto, 'REQUESTED'), ...problems(400, 401, 403, 404, 409) },
});

const reject = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/exchanges/{exchangeId}/reject',
  summary: '교환거부 by the seller of the items, before anything is dispatched',
  middleware: [requireRole('seller', 'admin')] as const,
  request: { params, body: jsonBody(z.object({ reason })) },
  responses: { 200: jsonResponse(exchangeDto, 'REJECTED'), ...problems(400, 401, 403, 404, 409) },
});

const cancel = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/exchanges/{exchangeId}/cancel',
  summary: '교환철회 by the buyer, before anything is dispatched',
  middleware: [requireRole('buyer', 'admin')] as const,
  request: { params, body: jsonBody(z.object({ reason })) },
  responses: { 200: jsonResponse(exchangeDto, 'CANCELLED'), ...problems(400, 401, 403, 404, 409) },
});
/** An exchange id that cannot be one of ours is simply not found. */
function exchangeIdOf(id: string) {
  if (!isId(id)) throw notFound('EXCHANGE_NOT_FOUND', 'No such exchange');
  return id;
}

export function exchangeRoutes(app: App, ctx: OrderContext) {
  app.openapi(request, async (c) => {
    const { exchange } = await requestExchange(
      ctx,
      principalOf(c),
      orderId(c.req.valid('param').id),
      c.req.valid('json'),
    );
    return c.json(exchangeView(exchange), 201);
  });
  for (const [route, to] of [
    [reject, 'REJECTED'],
    [cancel, 'CANCELLED'],
  ] as const)
    app.openapi(route, async (c) => {
      const { id, exchangeId } = c.req.valid('param');
      const { exchange } = await closeExchange(
        ctx,
        principalOf(c),
        orderId(id),
        exchangeIdOf(exchangeId),
        to,
        c.req.valid('json').reason,
      );
      return c.json(exchangeView(exchange), 200);
    });
}
