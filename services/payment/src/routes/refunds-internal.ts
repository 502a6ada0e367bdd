import { refundQuery, refundRetry } from '@mp/contracts';
import {
  type App,
  conflict,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  problems,
  sql,
  z,
} from '@mp/platform';
import type { PaymentContext, Refund } from '../domain/context.ts';
import { wakeJobs } from '../domain/jobs.ts';

/** A refund as the back office sees it (never the refund account's number, only its bank and holder). */
export const refundDto = z
  .object({
    id: z.string(),
    paymentId: z.string(),
    orderId: z.string(),
    kind: z.enum(['CANCEL', 'REFUND', 'PG']),
    refundRequestId: z.string().nullable(),
    amount: z.int(),
    reason: z.string(),
    status: z.enum(['PENDING', 'DONE', 'FAILED']),
    attempts: z.int(),
    retries: z.int(),
    lastError: z.string().nullable(),
    hasRefundAccount: z.boolean(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('Refund');

const toDto = (r: Refund) => ({
  id: r.id,
  paymentId: r.payment_id,
  orderId: r.order_id,
  kind: r.kind,
  refundRequestId: r.refund_request_id,
  amount: Number(r.amount),
  reason: r.reason,
  status: r.status,
  attempts: r.attempts,
  retries: r.retries,
  lastError: r.last_error,
  hasRefundAccount: r.refund_account_sealed !== null,
  createdAt: r.created_at.toISOString(),
  completedAt: r.completed_at?.toISOString() ?? null,
});

const list = createRoute({
  method: 'get',
  path: '/internal/refunds',
  summary: 'Refunds by status, oldest first (admin forwards GET /api/v1/admin/refunds here)',
  request: {
    query: refundQuery,
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(refundDto) }), 'Refunds'), ...problems(400) },
});

const retry = createRoute({
  method: 'post',
  path: '/internal/refunds/{id}/retry',
  summary: 'Sends a refused refund to the PG again, with a corrected refund account if given',
  request: {
    params: z.object({ id: z.uuid() }),
    body: jsonBody(refundRetry),
  },
  responses: { 200: jsonResponse(refundDto, 'Queued again (PENDING)'), ...problems(400, 404, 409) },
});

/**
 * The back office's view of refunds the PG refused (FAILED: a virtual account without its refund
 * account, an account the bank refused, a payment no longer cancellable) and their retry. A retry
 * moves FAILED → PENDING in one conditional UPDATE: two retries at once queue it once, and the
 * job runner carries it out under a new idempotency key (the refusal is the PG's final word on the old one).
 */
export function refundInternalRoutes(app: App, ctx: PaymentContext) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    let query = ctx.db.selectFrom('refunds').selectAll().where('status', '=', q.status);
    if (q.orderId) query = query.where('order_id', '=', q.orderId);
    const rows = await query.orderBy('created_at').limit(q.limit).execute();
    return c.json({ items: rows.map(toDto) }, 200);
  });
  app.openapi(retry, async (c) => {
    const { id } = c.req.valid('param');
    const { refundReceiveAccount: account } = c.req.valid('json');
    const queued = await ctx.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('refunds')
        .set((eb) => ({
          status: 'PENDING',
          retries: eb('retries', '+', 1),
          next_attempt_at: sql<Date>`now()`,
          ...(account ? { refund_account_sealed: ctx.methods.sealAccount(account) } : {}),
        }))
        .where('id', '=', id)
        .where('status', '=', 'FAILED')
        .returningAll()
        .executeTakeFirst();
      if (r) await wakeJobs(trx);
      return r;
    });
    if (queued) return c.json(toDto(queued), 200);
    const r = await ctx.db.selectFrom('refunds').select('status').where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('REFUND_NOT_FOUND', 'No such refund');
    throw conflict('REFUND_NOT_FAILED', `A refund that is ${r.status} is not retried`, { status: r.status });
  });
}
