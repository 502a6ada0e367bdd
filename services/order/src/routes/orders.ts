import {
  type App,
  createRoute,
  decodeCursor,
  idempotent,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  type Principal,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  validationFailed,
  z,
} from '@mp/platform';
import { changeCart, readCart, takeOut } from '../domain/cart.ts';
import { atTheDoor, findPlaced, placeOrder } from '../domain/checkout.ts';
import type { Db, OrderContext } from '../domain/context.ts';
import { orderViews, viewOrders } from '../domain/view.ts';
import { address, idParam, line, orderDto, orderId, status } from './schemas.ts';

const newOrder = z
  .object({
    items: z.array(line).min(1).max(50).optional(),
    /** Order the whole cart instead of `items`. */
    fromCart: z.boolean().optional(),
    shippingAddress: address,
    couponId: z.uuid().optional(),
    paymentMethod: z.enum(['card', 'transfer', 'virtual_account']),
    /** What the buyer was shown; if re-pricing at checkout gives another amount, 409 PRICE_CHANGED. */
    expectedPayableAmount: z.int().min(0).optional(),
  })
  .superRefine((b, ctx) => {
    if (Boolean(b.items) === Boolean(b.fromCart))
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'give items, or fromCart: true (not both)' });
  });

const create = createRoute({
  method: 'post',
  path: '/api/v1/orders',
  summary:
    'Place an order: products quoted, stock reserved, coupon checked, then PENDING_PAYMENT. Honours Idempotency-Key.',
  middleware: [requireRole('buyer')] as const,
  request: { body: jsonBody(newOrder) },
  responses: {
    201: jsonResponse(orderDto, 'The order, waiting for payment'),
    ...problems(400, 401, 403, 404, 409, 422, 503),
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/orders',
  summary:
    "Orders, newest first: a buyer's own, a seller's (orders holding its items, those items only), any for an admin",
  middleware: [requireRole('buyer', 'seller', 'admin')] as const,
  request: { query: pageQuery.extend({ status: status.optional() }) },
  responses: { 200: jsonResponse(pageOf(orderDto), 'Orders'), ...problems(400, 401) },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/orders/{id}',
  summary: 'An order with its items, shipments, refund requests and status history',
  middleware: [requireRole('buyer', 'seller', 'admin')] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(orderDto, 'The order'), ...problems(400, 401, 404) },
});

/** Orders a principal may see: its own, a seller's with its items, any for an admin. */
function visibleOrders(db: Db, p: Principal) {
  let q = db.selectFrom('orders').selectAll();
  if (p.role === 'buyer') q = q.where('user_id', '=', p.userId);
  if (p.role === 'seller')
    q = q.where((eb) =>
      eb.or([
        eb('user_id', '=', p.userId),
        eb.exists(
          eb
            .selectFrom('order_items')
            .select('order_items.id')
            .whereRef('order_items.order_id', '=', 'orders.id')
            .where('order_items.seller_id', '=', p.userId),
        ),
      ]),
    );
  return q;
}

export function orderRoutes(app: App, ctx: OrderContext) {
  const { db, dapr } = ctx;
  const once = idempotent(db, 'orders.create');
  // A buyer is at the door until answered: enough at once are a crowd (the relay's hold).
  app.post('/api/v1/orders', async (_c, next) => {
    const leave = ctx.crowd.enter();
    try {
      await next();
    } finally {
      leave();
    }
  });
  app.post('/api/v1/orders', once);
  app.openapi(create, async (c) => {
    const { userId } = principalOf(c);
    const body = c.req.valid('json');
    const key = c.req.header('idempotency-key');
    // Placed before under this key, its answer lost (a crash after the commit): the same order.
    const placed = key && (await findPlaced(db, userId, key));
    if (placed) return c.json((await viewOrders(db, [placed]))[0]!, 201);
    const items = body.fromCart ? (await readCart(dapr, userId)).items : body.items!;
    if (!items.length) throw validationFailed([{ path: 'fromCart', message: 'the cart is empty' }]);
    await atTheDoor(ctx, userId, items, key);
    // While it waits its turn, the door answers it as soon as a SKU of it sells out.
    const door = ctx.door.watch(
      items.map((i) => i.sku),
      () => atTheDoor(ctx, userId, items, key),
    );
    const { order, created, rows } = await (async () => {
      // The sagas behind the door are falling behind: wait (bounded) before taking a turn.
      await Promise.race([ctx.pacer.turn(), door.refused]);
      return ctx.admit(() => {
        door.stop();
        return placeOrder(ctx, userId, { ...body, items }, key);
      }, door.refused);
    })().finally(door.stop);
    if (created && body.fromCart)
      await changeCart(dapr, userId, (lines) => takeOut(lines, items)).catch((err) =>
        ctx.log.warn({ err, orderId: order.id }, 'the ordered items stay in the cart'),
      );
    // The order as committed (what the rows written say), not read back: the saga may move it on.
    const [view] = rows ? orderViews([order], rows) : await viewOrders(db, [order]);
    return c.json(view!, 201);
  });

  app.openapi(list, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.string() }));
    let query = visibleOrders(db, p)
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.status) query = query.where('status', '=', q.status);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: await viewOrders(db, page, p),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(get, async (c) => {
    const p = principalOf(c);
    const order = await visibleOrders(db, p)
      .where('id', '=', orderId(c.req.valid('param').id))
      .executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', 'No such order');
    const [view] = await viewOrders(db, [order], p);
    return c.json(view!, 200);
  });
}
