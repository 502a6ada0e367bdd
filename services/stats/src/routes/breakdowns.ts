import {
  type App,
  createRoute,
  forbidden,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  sql,
  z,
} from '@mp/platform';
import type { Deps } from '../config.ts';
import { PLATFORM } from '../domain/sales.ts';
import { checkRange, rangeQuery } from './range.ts';

const breakdown = createRoute({
  method: 'get',
  path: '/api/v1/stats/breakdowns',
  summary:
    '판매 분석: ordered sales broken down by category, product or payment method (admin: the platform or one seller; seller: its own; payment methods: admin only)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: rangeQuery.extend({
      by: z.enum(['category', 'product', 'payment']),
      sellerId: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        by: z.enum(['category', 'product', 'payment']),
        items: z.array(
          z.object({
            /** The category id, product id or payment method ('' for a category not known). */
            key: z.string(),
            orders: z.int(),
            quantity: z.int(),
            amount: z.int(),
          }),
        ),
      }),
      'The largest first (by amount), summed over the range',
    ),
    ...problems(400, 401, 403),
  },
});

const members = createRoute({
  method: 'get',
  path: '/api/v1/stats/members',
  summary: '회원 변동: withdrawals, suspensions, reinstatements and grade changes per day (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { query: rangeQuery },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            date: z.string(),
            deleted: z.int(),
            suspended: z.int(),
            reinstated: z.int(),
            gradeChanged: z.int(),
          }),
        ),
      }),
      'Per day with any change, oldest first',
    ),
    ...problems(400, 401, 403),
  },
});

const views = createRoute({
  method: 'get',
  path: '/api/v1/stats/views',
  summary:
    '상품 조회수: counted product views per day, by product and by category (admin: all or one seller; seller: its own)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: rangeQuery.extend({
      sellerId: z.string().max(64).optional(),
      productId: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({ date: z.string(), views: z.int() })),
        topProducts: z.array(z.object({ productId: z.string(), views: z.int() })),
        byCategory: z.array(z.object({ categoryId: z.string(), views: z.int() })),
        total: z.int(),
      }),
      'Per day with views (oldest first), the twenty most viewed products and the categories, most first',
    ),
    ...problems(400, 401, 403),
  },
});

export function breakdownRoutes(app: App, { db }: Deps): void {
  app.openapi(views, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    checkRange(q.from, q.to, 3660);
    const sellerId = who.role === 'admin' ? q.sellerId : who.userId;
    const where = sql`day between ${q.from}::date and ${q.to}::date
      ${sellerId ? sql`and seller_id = ${sellerId}` : sql``} ${q.productId ? sql`and product_id = ${q.productId}` : sql``}`;
    const [items, topProducts, byCategory] = await Promise.all([
      sql<{ date: string; views: number }>`
        select to_char(day, 'YYYY-MM-DD') as date, sum(views)::int as views from views_daily
        where ${where} group by day order by day`.execute(db),
      sql<{ productId: string; views: number }>`
        select product_id as "productId", sum(views)::int as views from views_daily
        where ${where} group by product_id order by views desc, product_id limit 20`.execute(db),
      sql<{ categoryId: string; views: number }>`
        select category_id as "categoryId", sum(views)::int as views from views_daily
        where ${where} group by category_id order by views desc, category_id`.execute(db),
    ]);
    return c.json(
      {
        items: items.rows,
        topProducts: topProducts.rows,
        byCategory: byCategory.rows,
        total: items.rows.reduce((n, r) => n + r.views, 0),
      },
      200,
    );
  });

  app.openapi(breakdown, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    checkRange(q.from, q.to, 3660);
    if (q.by === 'payment' && who.role !== 'admin')
      throw forbidden(
        'PAYMENT_BREAKDOWN_ADMIN_ONLY',
        'Payment methods are broken down for the platform only (admins)',
      );
    const seller = who.role === 'admin' ? (q.sellerId ?? PLATFORM) : who.userId;
    const { rows } = await sql<{ key: string; orders: number; quantity: number; amount: number }>`
      select key, sum(orders)::int as orders, sum(quantity)::int as quantity, sum(amount)::bigint as amount
      from sales_breakdown_daily
      where dimension = ${q.by} and seller_id = ${seller} and day between ${q.from}::date and ${q.to}::date
      group by key order by amount desc, key limit ${q.limit}`.execute(db);
    return c.json({ by: q.by, items: rows.map((r) => ({ ...r, amount: Number(r.amount) })) }, 200);
  });

  app.openapi(members, async (c) => {
    const q = c.req.valid('query');
    checkRange(q.from, q.to, 3660);
    const { rows } = await sql<{
      date: string;
      deleted: number;
      suspended: number;
      reinstated: number;
      gradeChanged: number;
    }>`
      select to_char(day, 'YYYY-MM-DD') as date,
        coalesce(sum(count) filter (where kind = 'deleted'), 0)::int as deleted,
        coalesce(sum(count) filter (where kind = 'suspended'), 0)::int as suspended,
        coalesce(sum(count) filter (where kind = 'reinstated'), 0)::int as reinstated,
        coalesce(sum(count) filter (where kind = 'gradeChanged'), 0)::int as "gradeChanged"
      from members_daily where day between ${q.from}::date and ${q.to}::date group by day order by day`.execute(
      db,
    );
    return c.json({ items: rows }, 200);
  });
}
