import { type App, createRoute, jsonResponse, problems, type ServiceDeps, sql, z } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { stockView } from '../domain/stock.ts';

const lowStock = createRoute({
  method: 'get',
  path: '/internal/low-stock',
  summary:
    "The low-stock list for the admin's dashboard (stock that ran low): active SKUs at 품절임박 or 품절, 품절 first, fewest available first",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }) },
  responses: {
    200: jsonResponse(
      z.object({
        lowStock: z.int(),
        outOfStock: z.int(),
        items: z.array(
          z.object({
            sku: z.string(),
            productId: z.string(),
            sellerId: z.string(),
            onHand: z.int(),
            reserved: z.int(),
            available: z.int(),
            threshold: z.int(),
            stockStatus: z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK']),
            active: z.boolean(),
            updatedAt: z.string(),
          }),
        ),
      }),
      'SKUs under their threshold, counted',
    ),
    ...problems(400),
  },
});

/** What inventory's low-stock alerts (inventory.low_stock, inventory.out_of_stock) stand for now, for the admin. */
export function alertRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(lowStock, async (c) => {
    const { limit } = c.req.valid('query');
    const [counts, rows] = await Promise.all([
      sql<{ low: number; out: number }>`
        select count(*) filter (where level = 'LOW_STOCK')::int as low, count(*) filter (where level = 'OUT_OF_STOCK')::int as out
        from stock_items where active and level <> 'IN_STOCK'`.execute(db),
      db
        .selectFrom('stock_items')
        .selectAll()
        .where('active', '=', true)
        .where('level', '<>', 'IN_STOCK')
        .orderBy(sql`level = 'OUT_OF_STOCK'`, 'desc')
        .orderBy(sql`on_hand - reserved`)
        .orderBy('updated_at', 'desc')
        .limit(limit)
        .execute(),
    ]);
    const n = counts.rows[0]!;
    return c.json(
      {
        lowStock: n.low,
        outOfStock: n.out,
        items: rows.map((r) => ({ ...stockView(r), sellerId: r.seller_id })),
      },
      200,
    );
  });
}
