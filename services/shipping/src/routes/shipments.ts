import {
  type App,
  createRoute,
  decodeCursor,
  isId,
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
  z,
} from '@mp/platform';
import type { Db, ShippingContext } from '../domain/context.ts';
import { dispatchShipment } from '../domain/dispatch.ts';
import { toShipmentDto } from '../domain/dto.ts';
import { refreshTracking } from '../domain/tracking.ts';
import { shipmentDto } from './schemas.ts';

/** A shipment id in a path: anything that is not one of ours is simply not found (404), like an unknown one. */
const idParam = z.object({ id: z.string().min(1).max(64) });
function shipmentId(id: string): string {
  if (!isId(id)) throw notFound('SHIPMENT_NOT_FOUND', 'No such shipment');
  return id;
}
const anyone = requireRole('buyer', 'seller', 'admin');

const list = createRoute({
  method: 'get',
  path: '/api/v1/shipments',
  summary: "Shipments, newest first: a buyer's own, a seller's to send, or any for an admin",
  middleware: [anyone] as const,
  request: {
    query: pageQuery.extend({
      orderId: z.string().max(64).optional(),
      status: z
        .enum(['REQUESTED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'FAILED', 'CANCELLED'])
        .optional(),
      kind: z.enum(['DELIVERY', 'RETURN', 'EXCHANGE_PICKUP', 'EXCHANGE_DELIVERY']).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(shipmentDto), 'Shipments'), ...problems(400, 401) },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/shipments/{id}',
  summary: 'A shipment with its tracking events',
  middleware: [anyone] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(shipmentDto, 'The shipment'), ...problems(400, 401, 404) },
});

const dispatch = createRoute({
  method: 'post',
  path: '/api/v1/shipments/{id}/dispatch',
  summary: 'Dispatch (발송): the owning seller gives the carrier and tracking number (운송장번호)',
  middleware: [requireRole('seller', 'admin')] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        carrier: z.enum(['CJ', 'LOTTE', 'HANJIN', 'LOGEN', 'POST']),
        trackingNumber: z.string().regex(/^\d[\d-]{7,16}\d$/, '9–14 digits (hyphens allowed)'),
      }),
    ),
  },
  responses: { 200: jsonResponse(shipmentDto, 'Dispatched'), ...problems(400, 401, 403, 404, 409) },
});

const refresh = createRoute({
  method: 'post',
  path: '/api/v1/shipments/{id}/tracking/refresh',
  summary: 'Ask the carrier now where the parcel is (tracking is otherwise polled)',
  middleware: [anyone] as const,
  request: { params: idParam },
  responses: {
    200: jsonResponse(shipmentDto, 'The shipment, with what the carrier said'),
    ...problems(400, 401, 404, 503),
  },
});

/** Whom a shipment is visible to: its buyer, its seller, admins. Others get 404. */
const visible = (db: Db, p: Principal, id: string) => {
  let q = db.selectFrom('shipments').selectAll().where('id', '=', id);
  if (p.role === 'buyer') q = q.where('user_id', '=', p.userId);
  if (p.role === 'seller')
    q = q.where((eb) => eb.or([eb('seller_id', '=', p.userId), eb('user_id', '=', p.userId)]));
  return q.executeTakeFirst();
};

export function shipmentRoutes(app: App, ctx: ShippingContext) {
  const { db } = ctx;
  const withTracking = async (id: string) => {
    const s = await db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const t = await db
      .selectFrom('tracking_events')
      .selectAll()
      .where('shipment_id', '=', id)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    return toShipmentDto(s, t);
  };

  app.openapi(list, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.string() }));
    let query = db
      .selectFrom('shipments')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (p.role === 'buyer') query = query.where('user_id', '=', p.userId);
    if (p.role === 'seller')
      query = query.where((eb) => eb.or([eb('seller_id', '=', p.userId), eb('user_id', '=', p.userId)]));
    if (q.orderId) query = query.where('order_id', '=', q.orderId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map((s) => toShipmentDto(s)),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(get, async (c) => {
    const s = await visible(db, principalOf(c), shipmentId(c.req.valid('param').id));
    if (!s) throw notFound('SHIPMENT_NOT_FOUND', 'No such shipment');
    return c.json(await withTracking(s.id), 200);
  });

  app.openapi(dispatch, async (c) => {
    const s = await dispatchShipment(
      ctx,
      principalOf(c),
      shipmentId(c.req.valid('param').id),
      c.req.valid('json'),
    );
    return c.json(await withTracking(s.id), 200);
  });

  app.openapi(refresh, async (c) => {
    const s = await visible(db, principalOf(c), shipmentId(c.req.valid('param').id));
    if (!s) throw notFound('SHIPMENT_NOT_FOUND', 'No such shipment');
    await refreshTracking(ctx, s);
    return c.json(await withTracking(s.id), 200);
  });
}
