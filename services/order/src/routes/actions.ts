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
import { cancelOrder } from '../domain/cancel.ts';
import { confirmByBuyer } from '../domain/confirm.ts';
import type { OrderContext } from '../domain/context.ts';
import { requestRefund } from '../domain/refund-requests.ts';
import { viewOrders } from '../domain/view.ts';
import { idParam, orderDto, orderId } from './schemas.ts';

const reason = z.string().trim().min(1).max(500);

const cancel = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/cancel',
  summary: '주문취소 before dispatch: refund, stock and coupon back, shipments stopped',
  middleware: [requireRole('buyer', 'admin')] as const,
  request: { params: idParam, body: jsonBody(z.object({ reason })) },
  responses: { 200: jsonResponse(orderDto, 'CANCELLED'), ...problems(400, 401, 403, 404, 409) },
});

const refund = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/refund-requests',
  summary: '환불요청 after delivery: the whole order, or some items (and quantities)',
  middleware: [requireRole('buyer', 'admin')] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        reason,
        items: z
          .array(z.object({ itemId: z.uuid(), quantity: z.int().min(1).max(99).optional() }))
          .min(1)
          .max(50)
          .optional(),
      }),
    ),
  },
  responses: { 201: jsonResponse(orderDto, 'REFUND_REQUESTED'), ...problems(400, 401, 403, 404, 409) },
});

const confirm = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/confirm',
  summary: '구매확정 (also automatic N days after delivery): order.completed',
  middleware: [requireRole('buyer', 'admin')] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(orderDto, 'COMPLETED'), ...problems(400, 401, 403, 404, 409) },
});

export function actionRoutes(app: App, ctx: OrderContext) {
  const view = async (o: Parameters<typeof viewOrders>[1][number]) => (await viewOrders(ctx.db, [o]))[0]!;
  app.openapi(cancel, async (c) => {
    const o = await cancelOrder(
      ctx,
      principalOf(c),
      orderId(c.req.valid('param').id),
      c.req.valid('json').reason,
    );
    return c.json(await view(o), 200);
  });
  app.openapi(refund, async (c) => {
    const { order } = await requestRefund(
      ctx,
      principalOf(c),
      orderId(c.req.valid('param').id),
      c.req.valid('json'),
    );
    return c.json(await view(order), 201);
  });
  app.openapi(confirm, async (c) => {
    const o = await confirmByBuyer(ctx, principalOf(c), orderId(c.req.valid('param').id));
    return c.json(await view(o), 200);
  });
}
