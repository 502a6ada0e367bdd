import {
  type App,
  createRoute,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  sql,
  z,
} from '@mp/platform';
import type { Deps } from '../config.ts';
import { checkRange, rangeQuery } from './range.ts';

const products = createRoute({
  method: 'get',
  path: '/api/v1/stats/products',
  summary: '상품 통계: products registered per day and per category (admin: all or one seller; seller: own)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { query: rangeQuery.extend({ sellerId: z.string().max(64).optional() }) },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({ date: z.string(), created: z.int() })),
        byCategory: z.array(z.object({ categoryId: z.string(), created: z.int() })),
        total: z.int(),
      }),
      'Products per day (days without any left out) and per category, most first',
    ),
    ...problems(400, 401, 403),
  },
});

const logins = createRoute({
  method: 'get',
  path: '/api/v1/stats/logins',
  summary: '로그인 통계: logins and distinct users per day (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { query: rangeQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(z.object({ date: z.string(), logins: z.int(), users: z.int() })) }),
      'Per day, oldest first',
    ),
    ...problems(400, 401, 403),
  },
});

const coupons = createRoute({
  method: 'get',
  path: '/api/v1/stats/coupons',
  summary: '쿠폰 사용 통계: uses and discounts per day, and the most used coupons (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { query: rangeQuery },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({ date: z.string(), uses: z.int(), discountAmount: z.int() })),
        topCoupons: z.array(z.object({ couponId: z.string(), uses: z.int(), discountAmount: z.int() })),
      }),
      'Per day, oldest first; the twenty most used coupons',
    ),
    ...problems(400, 401, 403),
  },
});

export function activityRoutes(app: App, { db }: Deps): void {
  app.openapi(products, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    checkRange(q.from, q.to, 3660);
    const sellerId = who.role === 'admin' ? q.sellerId : who.userId;
    const bySeller = sellerId ? sql`and seller_id = ${sellerId}` : sql``;
    const { rows: items } = await sql<{ date: string; created: number }>`
      select to_char(day, 'YYYY-MM-DD') as date, sum(created)::int as created from products_daily
      where day between ${q.from}::date and ${q.to}::date ${bySeller} group by day order by day`.execute(db);
    const { rows: byCategory } = await sql<{ categoryId: string; created: number }>`
      select category_id as "categoryId", sum(created)::int as created from products_daily
      where day between ${q.from}::date and ${q.to}::date ${bySeller}
      group by category_id order by created desc, category_id`.execute(db);
    return c.json({ items, byCategory, total: items.reduce((a, i) => a + i.created, 0) }, 200);
  });

  app.openapi(logins, async (c) => {
    const q = c.req.valid('query');
    checkRange(q.from, q.to, 3660);
    const { rows } = await sql<{ date: string; logins: number; users: number }>`
      select to_char(day, 'YYYY-MM-DD') as date, logins, users from logins_daily
      where day between ${q.from}::date and ${q.to}::date order by day`.execute(db);
    return c.json({ items: rows }, 200);
  });

  app.openapi(coupons, async (c) => {
    const q = c.req.valid('query');
    checkRange(q.from, q.to, 3660);
    const { rows: items } = await sql<{ date: string; uses: number; discountAmount: number }>`
      select to_char(day, 'YYYY-MM-DD') as date, sum(uses)::int as uses, sum(discount_amount)::bigint as "discountAmount"
      from coupons_daily where day between ${q.from}::date and ${q.to}::date group by day order by day`.execute(
      db,
    );
    const { rows: topCoupons } = await sql<{ couponId: string; uses: number; discountAmount: number }>`
      select coupon_id as "couponId", sum(uses)::int as uses, sum(discount_amount)::bigint as "discountAmount"
      from coupons_daily where day between ${q.from}::date and ${q.to}::date
      group by coupon_id order by uses desc, coupon_id limit 20`.execute(db);
    return c.json({ items, topCoupons }, 200);
  });
}
