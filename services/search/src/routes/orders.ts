import {
  type App,
  createRoute,
  jsonResponse,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { SearchContext } from '../context.ts';
import { orderStatuses } from '../domain/orders.ts';

const orderHit = z
  .object({
    orderId: z.string(),
    userId: z.string(),
    /** As the order's own events last said: PENDING_PAYMENT, CANCELLED, COMPLETED, REFUND_REQUESTED, PARTIALLY_REFUNDED, REFUNDED. */
    status: z.string(),
    items: z.array(
      z.object({
        itemId: z.string(),
        productId: z.string(),
        sku: z.string(),
        sellerId: z.string(),
        name: z.string().nullable(),
        quantity: z.int(),
        price: z.int(),
      }),
    ),
    /** The items shown (a seller's own), at their unit prices. */
    itemsAmount: z.int(),
    recipient: z.string().nullable(),
    paymentMethod: z.string().nullable(),
    sellerIds: z.array(z.string()).optional(),
    payableAmount: z.int().optional(),
    refundedAmount: z.int().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('OrderHit');

const day = z.iso.date();
const searchRoute = createRoute({
  method: 'get',
  path: '/api/v1/search/orders',
  summary:
    'Order search (admins: every order; sellers: orders with their items, their items only): by order id, or words inside product names or the recipient; status, buyer, seller and date filters; newest first',
  middleware: [requireRole('seller', 'admin')],
  request: {
    query: pageQuery.extend({
      q: z.string().max(100).default(''),
      status: z.enum(orderStatuses).optional(),
      sellerId: z.string().max(64).optional(),
      userId: z.string().max(64).optional(),
      /** Orders placed on or after this day (UTC). */
      from: day.optional(),
      /** Orders placed before this day (UTC). */
      to: day.optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(orderHit), 'Orders found'), ...problems(400, 401, 403, 503) },
});

/** The orders index's routes. */
export function orderRoutes(app: App, deps: SearchContext): void {
  app.openapi(searchRoute, async (c) => {
    const who = principalOf(c);
    const q = c.req.valid('query');
    return c.json(await deps.orders.search(q, who.role === 'admin' ? undefined : who.userId), 200);
  });
}
