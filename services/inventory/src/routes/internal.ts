import {
  availabilityReply,
  availabilityRequest,
  released,
  reservation,
  reservationRequest,
} from '@mp/contracts';
import { type App, createRoute, jsonBody, jsonResponse, problems, type ServiceDeps, z } from '@mp/platform';
import type { InventoryConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { release, reserve } from '../domain/reservations.ts';

const reservationView = reservation.meta({ id: 'Reservation' });

const reserveRoute = createRoute({
  method: 'post',
  path: '/internal/reservations',
  summary: "Reserves an order's stock, all lines or none (order calls this through Dapr)",
  request: { body: jsonBody(reservationRequest) },
  responses: {
    201: jsonResponse(reservationView, 'Reserved'),
    200: jsonResponse(reservationView, 'The reservation this order already holds'),
    ...problems(400, 404, 409),
  },
});

const releaseRoute = createRoute({
  method: 'post',
  path: '/internal/reservations/{orderId}/release',
  summary: "Releases an order's held stock; nothing to release is fine",
  request: { params: z.object({ orderId: z.string().min(1).max(64) }) },
  responses: {
    200: jsonResponse(released, 'Released'),
    ...problems(409),
  },
});

const availabilityRoute = createRoute({
  method: 'post',
  path: '/internal/availability',
  summary:
    'Units a buyer can order now, per SKU (order asks this at its door for a SKU it saw sold out); null for an SKU not on sale',
  request: { body: jsonBody(availabilityRequest) },
  responses: {
    200: jsonResponse(availabilityReply, 'Availability'),
    ...problems(400),
  },
});

/** Stock reservations (`POST /internal/reservations`, all or nothing), reached only through Dapr. */
export function internalRoutes(app: App, { db, events, config }: ServiceDeps<Database, InventoryConfig>) {
  app.openapi(reserveRoute, async (c) => {
    const body = c.req.valid('json');
    const { created, reservation: r } = await reserve(db, events, {
      orderId: body.orderId,
      items: body.items,
      ttlSeconds: body.ttlSeconds ?? config.RESERVATION_TTL_SECONDS,
    });
    return c.json(r, created ? 201 : 200);
  });

  app.openapi(availabilityRoute, async (c) => {
    const { skus } = c.req.valid('json');
    const rows = await db
      .selectFrom('stock_items')
      .select(['sku', 'on_hand', 'reserved', 'active'])
      .where('sku', 'in', skus)
      .execute();
    const by = new Map(rows.map((r) => [r.sku, r]));
    const items = skus.map((s) => {
      const r = by.get(s);
      return { sku: s, available: r?.active ? r.on_hand - r.reserved : null };
    });
    return c.json({ items }, 200);
  });

  app.openapi(releaseRoute, async (c) => {
    const { orderId } = c.req.valid('param');
    return c.json(await release(db, events, orderId, `order:${orderId}`), 200);
  });
}
