import { type App, createRoute, jsonResponse, principalOf, problems, requireRole, z } from '@mp/platform';
import type { Deps } from '../config.ts';
import { salesSeries } from '../domain/figures.ts';
import { checkRange, rangeQuery } from './range.ts';

const figures = {
  orders: z.int().openapi({ description: '주문수: orders placed' }),
  orderedAmount: z.int(),
  paidOrders: z.int().openapi({ description: '결제완료 orders' }),
  paidAmount: z.int(),
  completedOrders: z.int().openapi({ description: '구매확정 orders' }),
  completedAmount: z.int(),
  cancelledOrders: z.int(),
  refunds: z.int(),
  refundedAmount: z.int(),
};

const sales = createRoute({
  method: 'get',
  path: '/api/v1/stats/sales',
  summary:
    '판매 통계 per Korean day, week (Monday–Sunday) or month. An admin sees the platform (what buyers paid: discounts and shipping included) or one seller; a seller sees its own items at 판매가.',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: rangeQuery.extend({
      granularity: z.enum(['day', 'week', 'month']).default('day'),
      sellerId: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'admin only; a seller always sees its own' }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        granularity: z.enum(['day', 'week', 'month']),
        from: z.string(),
        to: z.string(),
        sellerId: z.string().nullable(),
        basis: z.enum(['PAYMENTS', 'ITEM_SALES']),
        items: z.array(z.object({ period: z.string(), from: z.string(), to: z.string(), ...figures })),
        totals: z.object(figures),
      }),
      'Every bucket of the range, empty ones included, oldest first',
    ),
    ...problems(400, 401, 403),
  },
});

const maxDays = { day: 366, week: 3 * 366, month: 10 * 366 } as const;

export function salesRoutes(app: App, { db }: Deps): void {
  app.openapi(sales, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    checkRange(q.from, q.to, maxDays[q.granularity]);
    const sellerId = who.role === 'admin' ? (q.sellerId ?? null) : who.userId;
    const series = await salesSeries(db, { granularity: q.granularity, from: q.from, to: q.to, sellerId });
    return c.json(
      {
        granularity: q.granularity,
        from: q.from,
        to: q.to,
        sellerId,
        basis: sellerId ? ('ITEM_SALES' as const) : ('PAYMENTS' as const),
        ...series,
      },
      200,
    );
  });
}
