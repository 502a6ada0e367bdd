import { refundReceiveAccount, returnReason } from '@mp/contracts';
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
import { cancelOrder } from '../domain/cancel.ts';
import { confirmByBuyer } from '../domain/confirm.ts';
import type { OrderContext } from '../domain/context.ts';
import { requestRefund } from '../domain/refund-requests.ts';
import { inspectReturn } from '../domain/return-inspection.ts';
import { viewOrders } from '../domain/view.ts';
import { idParam, orderDto, orderId } from './schemas.ts';

const reason = z.string().trim().min(1).max(500);

const cancel = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/cancel',
  summary: '주문취소 before dispatch: refund, stock and coupon back, shipments stopped',
  middleware: [requireRole('buyer', 'admin')] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        reason,
        /** Where a deposited virtual account's money goes back (required for such an order). */
        refundReceiveAccount: refundReceiveAccount.optional(),
      }),
    ),
  },
  responses: { 200: jsonResponse(orderDto, 'CANCELLED'), ...problems(400, 401, 403, 404, 409) },
});

const refund = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/refund-requests',
  summary:
    "반품요청 after delivery: one seller's items (and quantities) go back through a carrier pickup; refunded after the seller's inspection",
  middleware: [requireRole('buyer', 'admin')] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        reason,
        /** CHANGE_OF_MIND (단순변심, the default): the return shipping fee is kept from the refund; SELLER_FAULT (불량·오배송): none. */
        returnReason: returnReason.optional(),
        /** A virtual-account order's refund goes to this account of the buyer's (required for one). */
        refundReceiveAccount: refundReceiveAccount.optional(),
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

const inspection = createRoute({
  method: 'post',
  path: '/api/v1/orders/{id}/refund-requests/{requestId}/inspection',
  summary:
    "검수 of a returned parcel: the return's seller (once received) or an admin (also a failed pickup, or overturning a rejection) accepts it — refund less the return shipping fee, each line restocked or written off — or rejects it with a reason and photos, or judges its lines apart (the rejected ones split off into a rejected return)",
  middleware: [requireRole('seller', 'admin')] as const,
  request: {
    params: z.object({ id: z.string().min(1).max(64), requestId: z.string().min(1).max(64) }),
    body: jsonBody(
      z.object({
        result: z.enum(['ACCEPTED', 'REJECTED']),
        reason: reason.optional(),
        /** Files uploaded through the file service showing what was found (a seller's rejection needs one). */
        photoFileIds: z.array(z.uuid()).max(10).optional(),
        /**
         * Per line: RESELLABLE (the default) goes back on hand, DAMAGED is written off; `result`
         * judges the line apart (a return accepted in part: its rejected lines split off).
         */
        lines: z
          .array(
            z.object({
              itemId: z.uuid(),
              condition: z.enum(['RESELLABLE', 'DAMAGED']).optional(),
              result: z.enum(['ACCEPTED', 'REJECTED']).optional(),
            }),
          )
          .max(50)
          .optional(),
      }),
    ),
  },
  responses: {
    200: jsonResponse(orderDto, 'The order after the inspection'),
    ...problems(400, 401, 403, 404, 409),
  },
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
    const body = c.req.valid('json');
    const o = await cancelOrder(
      ctx,
      principalOf(c),
      orderId(c.req.valid('param').id),
      body.reason,
      body.refundReceiveAccount,
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
  app.openapi(inspection, async (c) => {
    const { id, requestId } = c.req.valid('param');
    const { order } = await inspectReturn(
      ctx,
      principalOf(c),
      orderId(id),
      returnIdOf(requestId),
      c.req.valid('json'),
    );
    return c.json(await view(order), 200);
  });
  app.openapi(confirm, async (c) => {
    const o = await confirmByBuyer(ctx, principalOf(c), orderId(c.req.valid('param').id));
    return c.json(await view(o), 200);
  });
}
/** A return id that cannot be one of ours is simply not found. */
function returnIdOf(id: string) {
  if (!isId(id)) throw notFound('REFUND_REQUEST_NOT_FOUND', 'No such return');
  return id;
}
