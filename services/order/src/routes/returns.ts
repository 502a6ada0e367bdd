import {
  type App,
  createRoute,
  decodeCursor,
  jsonResponse,
  keysetPage,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  timeIdCursor,
  z,
} from '@mp/platform';
import type { OrderContext } from '../domain/context.ts';

const returnStatus = z.enum(['REQUESTED', 'PICKUP_FAILED', 'RECEIVED', 'ACCEPTED', 'REJECTED', 'COMPLETED']);

const returnRow = z
  .object({
    id: z.string(),
    orderId: z.string(),
    userId: z.string(),
    sellerId: z.string().nullable(),
    status: returnStatus,
    returnReason: z.enum(['CHANGE_OF_MIND', 'SELLER_FAULT']),
    reason: z.string(),
    amount: z.int(),
    items: z.array(z.object({ itemId: z.string(), quantity: z.int(), amount: z.int() })),
    /** The carrier's words when it could not collect the parcel (PICKUP_FAILED). */
    pickupFailure: z.string().nullable(),
    /** The inspector's words of a rejection. */
    rejectionReason: z.string().nullable(),
    splitFrom: z.string().nullable(),
    requestedAt: z.string(),
    inspectedAt: z.string().nullable(),
  })
  .openapi('ReturnSummary');

const list = createRoute({
  method: 'get',
  path: '/api/v1/orders/returns',
  summary:
    "Returns (반품), newest first, by status: what waits for an admin (PICKUP_FAILED, REJECTED ones disputed) or a seller (RECEIVED: to inspect); a seller's own, any for an admin",
  middleware: [requireRole('seller', 'admin')] as const,
  request: {
    query: pageQuery.extend({ status: returnStatus.optional(), sellerId: z.string().max(64).optional() }),
  },
  responses: { 200: jsonResponse(pageOf(returnRow), 'Returns'), ...problems(400, 401, 403) },
});

/** The back office's list of returns (the order's own view shows each one in full). */
export function returnRoutes(app: App, { db }: OrderContext) {
  app.openapi(list, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, timeIdCursor);
    const sellerId = p.role === 'seller' ? p.userId : q.sellerId;
    let query = db
      .selectFrom('refund_requests')
      .selectAll()
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (sellerId) query = query.where('seller_id', '=', sellerId);
    if (q.status) query = query.where('status', '=', q.status);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('requested_at', '<', new Date(after.t)),
          eb.and([eb('requested_at', '=', new Date(after.t)), eb('id', '<', after.id)]),
        ]),
      );
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
      t: last.requested_at.toISOString(),
      id: last.id,
    }));
    return c.json(
      {
        items: page.map((r) => ({
          id: r.id,
          orderId: r.order_id,
          userId: r.user_id,
          sellerId: r.seller_id,
          status: r.status,
          returnReason: r.return_reason,
          reason: r.reason,
          amount: Number(r.amount),
          items: r.items.map(({ itemId, quantity, amount }) => ({ itemId, quantity, amount })),
          pickupFailure: r.pickup_failure,
          rejectionReason: r.status === 'REJECTED' ? (r.inspection?.reason ?? null) : null,
          splitFrom: r.split_from,
          requestedAt: r.requested_at.toISOString(),
          inspectedAt: r.inspected_at?.toISOString() ?? null,
        })),
        nextCursor,
      },
      200,
    );
  });
}
