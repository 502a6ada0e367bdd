import {
  type App,
  conflict,
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
  type ServiceDeps,
  validationFailed,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { applyChange, type StockRow, stockView } from '../domain/stock.ts';

const stock = z
  .object({
    sku: z.string(),
    productId: z.string(),
    onHand: z.int(),
    reserved: z.int(),
    available: z.int(),
    threshold: z.int(),
    stockStatus: z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK']),
    active: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('Stock');
const movement = z
  .object({
    id: z.int(),
    sku: z.string(),
    reason: z.string(),
    deltaOnHand: z.int(),
    deltaReserved: z.int(),
    onHand: z.int(),
    reserved: z.int(),
    actor: z.string(),
    orderId: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('StockMovement');

const skuParam = z.object({ sku: z.string().min(1).max(64) });
const sellerOrAdmin = [requireRole('seller', 'admin')];

const getStock = createRoute({
  method: 'get',
  path: '/api/v1/inventory/{sku}',
  summary: "A SKU's stock: on hand, reserved, available, 품절임박 threshold (owning seller or admin)",
  middleware: sellerOrAdmin,
  request: { params: skuParam },
  responses: { 200: jsonResponse(stock, 'Stock'), ...problems(401, 403, 404) },
});
const listStock = createRoute({
  method: 'get',
  path: '/api/v1/inventory',
  summary: 'Stock of every SKU of a product (owning seller or admin)',
  middleware: sellerOrAdmin,
  request: { query: z.object({ productId: z.string().min(1).max(64) }) },
  responses: {
    200: jsonResponse(z.object({ items: z.array(stock) }), 'Stock per SKU'),
    ...problems(400, 401, 403),
  },
});
const adjust = createRoute({
  method: 'post',
  path: '/api/v1/inventory/{sku}/adjustments',
  summary: 'A seller adjustment: 입고 (INBOUND, +), 출고 (OUTBOUND, −) or 정정 (CORRECTION, ±)',
  middleware: sellerOrAdmin,
  request: {
    params: skuParam,
    body: jsonBody(
      z.object({
        delta: z
          .int()
          .min(-1_000_000)
          .max(1_000_000)
          .refine((d) => d !== 0, 'must not be zero'),
        reason: z.enum(['INBOUND', 'OUTBOUND', 'CORRECTION']),
        note: z.string().trim().max(500).optional(),
      }),
    ),
  },
  responses: {
    201: jsonResponse(z.object({ movement, stock }), 'The adjustment and the stock after it'),
    ...problems(400, 401, 403, 404, 409),
  },
});
const setThreshold = createRoute({
  method: 'patch',
  path: '/api/v1/inventory/{sku}',
  summary: 'Sets the 품절임박 threshold of a SKU',
  middleware: sellerOrAdmin,
  request: { params: skuParam, body: jsonBody(z.object({ threshold: z.int().min(0).max(1_000_000) })) },
  responses: { 200: jsonResponse(stock, 'Stock'), ...problems(400, 401, 403, 404) },
});
const listMovements = createRoute({
  method: 'get',
  path: '/api/v1/inventory/{sku}/movements',
  summary: "The SKU's audit trail, newest first",
  middleware: sellerOrAdmin,
  request: { params: skuParam, query: pageQuery },
  responses: { 200: jsonResponse(pageOf(movement), 'Movements'), ...problems(400, 401, 403, 404) },
});

const mayManage = (p: Principal, row: { seller_id: string }) =>
  p.role === 'admin' || row.seller_id === p.userId;

export function stockRoutes(app: App, { db, events }: ServiceDeps<Database>) {
  /** The SKU if the caller may manage it; another seller's SKU is simply not found. */
  const owned = async (p: Principal, sku: string): Promise<StockRow> => {
    const row = await db.selectFrom('stock_items').selectAll().where('sku', '=', sku).executeTakeFirst();
    if (!row || !mayManage(p, row)) throw notFound('SKU_NOT_FOUND', `No SKU ${sku}`);
    return row;
  };

  app.openapi(getStock, async (c) => {
    const row = await owned(principalOf(c), c.req.valid('param').sku);
    return c.json(stockView(row), 200);
  });

  app.openapi(listStock, async (c) => {
    const p = principalOf(c);
    let q = db.selectFrom('stock_items').selectAll().where('product_id', '=', c.req.valid('query').productId);
    if (p.role !== 'admin') q = q.where('seller_id', '=', p.userId);
    return c.json({ items: (await q.orderBy('sku').execute()).map(stockView) }, 200);
  });

  app.use('/api/v1/inventory/:sku/adjustments', idempotent(db, 'inventory.adjustments'));
  app.openapi(adjust, async (c) => {
    const p = principalOf(c);
    const { sku } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.reason === 'INBOUND' && body.delta < 0)
      throw validationFailed([
        { path: 'delta', message: '입고 (INBOUND) adds stock: delta must be positive' },
      ]);
    if (body.reason === 'OUTBOUND' && body.delta > 0)
      throw validationFailed([
        { path: 'delta', message: '출고 (OUTBOUND) removes stock: delta must be negative' },
      ]);
    await owned(p, sku);
    const result = await db.transaction().execute(async (trx) => {
      const row = await applyChange(
        trx,
        events,
        { sku, onHand: body.delta },
        { reason: body.reason, actor: `${p.role}:${p.userId}`, note: body.note ?? null },
      );
      if (!row) {
        const cur = await trx
          .selectFrom('stock_items')
          .select(['on_hand', 'reserved'])
          .where('sku', '=', sku)
          .executeTakeFirstOrThrow();
        throw conflict(
          'INSUFFICIENT_STOCK',
          `On hand cannot go below the ${cur.reserved} units held for orders`,
          {
            errors: [
              {
                path: 'delta',
                message: `at least ${cur.reserved - cur.on_hand} with ${cur.on_hand} on hand and ${cur.reserved} reserved`,
              },
            ],
          },
        );
      }
      const m = await trx
        .selectFrom('stock_movements')
        .selectAll()
        .where('id', '=', row.movement_id)
        .executeTakeFirstOrThrow();
      return { row, m };
    });
    return c.json({ movement: movementView(result.m), stock: stockView(result.row) }, 201);
  });

  app.openapi(setThreshold, async (c) => {
    const p = principalOf(c);
    const { sku } = c.req.valid('param');
    await owned(p, sku);
    const row = await db
      .transaction()
      .execute(async (trx) =>
        applyChange(
          trx,
          events,
          { sku, threshold: c.req.valid('json').threshold },
          { reason: 'THRESHOLD', actor: `${p.role}:${p.userId}` },
        ),
      );
    return c.json(stockView(row!), 200);
  });

  app.openapi(listMovements, async (c) => {
    const { sku } = c.req.valid('param');
    await owned(principalOf(c), sku);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.int() }));
    let query = db
      .selectFrom('stock_movements')
      .selectAll()
      .where('sku', '=', sku)
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map(movementView),
        nextCursor,
      },
      200,
    );
  });
}

const movementView = (m: {
  id: number;
  sku: string;
  reason: string;
  delta_on_hand: number;
  delta_reserved: number;
  on_hand: number;
  reserved: number;
  actor: string;
  order_id: string | null;
  note: string | null;
  created_at: Date;
}) => ({
  id: Number(m.id),
  sku: m.sku,
  reason: m.reason,
  deltaOnHand: m.delta_on_hand,
  deltaReserved: m.delta_reserved,
  onHand: m.on_hand,
  reserved: m.reserved,
  actor: m.actor,
  orderId: m.order_id,
  note: m.note,
  createdAt: m.created_at.toISOString(),
});
