import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  type Selectable,
  unavailable,
  validationFailed,
  z,
} from '@mp/platform';
import type { SettlementContext } from '../context.ts';
import type { HoldsTable, PayoutsTable } from '../db/schema.ts';
import { placeHold, releaseHold } from '../domain/holds.ts';
import { retryPayout, startBatch } from '../domain/payouts.ts';
import { endedPeriod } from '../domain/periods.ts';

const uuidParam = (name: string) => z.object({ id: z.uuid().openapi({ param: { name, in: 'path' } }) });

const payoutView = z
  .object({
    id: z.string(),
    batchId: z.string(),
    settlementId: z.string(),
    sellerId: z.string(),
    amount: z.int(),
    status: z.enum(['PENDING', 'PROCESSING', 'PAID', 'FAILED']),
    attempt: z.int(),
    transferReference: z
      .string()
      .openapi({ description: "the bank's transaction id (bank_tran_id) of the current attempt" }),
    bankCode: z.string().nullable(),
    accountNumber: z.string().nullable().openapi({ description: 'masked' }),
    failureCode: z.string().nullable(),
    failureReason: z.string().nullable(),
    sentAt: z.string().nullable(),
    paidAt: z.string().nullable(),
  })
  .openapi('Payout');
const toPayoutView = (p: Selectable<PayoutsTable>): z.infer<typeof payoutView> => ({
  id: p.id,
  batchId: p.batch_id,
  settlementId: p.settlement_id,
  sellerId: p.seller_id,
  amount: p.amount,
  status: p.status,
  attempt: p.attempt,
  transferReference: p.transfer_ref,
  bankCode: p.bank_code,
  accountNumber: p.account_masked,
  failureCode: p.failure_code,
  failureReason: p.failure_reason,
  sentAt: p.sent_at?.toISOString() ?? null,
  paidAt: p.paid_at?.toISOString() ?? null,
});

const batchView = z
  .object({
    id: z.string(),
    period: z.object({ from: z.iso.date(), to: z.iso.date() }),
    createdAt: z.string(),
    totals: z.object({ count: z.int(), amount: z.int(), paid: z.int(), failed: z.int(), open: z.int() }),
    payouts: z.array(payoutView),
  })
  .openapi('PayoutBatch');

const holdView = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    settlementId: z.string().nullable(),
    reason: z.string(),
    heldBy: z.string(),
    heldAt: z.string(),
    releasedAt: z.string().nullable(),
    releasedBy: z.string().nullable(),
  })
  .openapi('PayoutHold');
const toHoldView = (h: Selectable<HoldsTable>): z.infer<typeof holdView> => ({
  id: h.id,
  sellerId: h.seller_id,
  settlementId: h.settlement_id,
  reason: h.reason,
  heldBy: h.held_by,
  heldAt: h.held_at.toISOString(),
  releasedAt: h.released_at?.toISOString() ?? null,
  releasedBy: h.released_by,
});

const startBatchRoute = createRoute({
  method: 'post',
  path: '/api/v1/settlements/payout-batches',
  summary:
    '지급 배치: transfers every issued, unheld settlement of the period to its seller (admin); again adds what became due, never pays twice',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { body: jsonBody(z.object({ from: z.iso.date(), to: z.iso.date() })) },
  responses: {
    200: jsonResponse(batchView, 'The batch and its payouts (transfers go out right after)'),
    ...problems(400, 401, 403, 422, 503),
  },
});
const getBatch = createRoute({
  method: 'get',
  path: '/api/v1/settlements/payout-batches/{id}',
  summary: 'A payout batch with each payout: paid, failed (with the reason) or under way',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { params: uuidParam('id') },
  responses: { 200: jsonResponse(batchView, 'The batch'), ...problems(400, 401, 403, 404) },
});
const listPayouts = createRoute({
  method: 'get',
  path: '/api/v1/settlements/payouts',
  summary: 'Payouts, newest first; `status=FAILED` lists those waiting for a retry',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      status: z.enum(['PENDING', 'PROCESSING', 'PAID', 'FAILED']).optional(),
      sellerId: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(payoutView) }), 'Payouts'),
    ...problems(400, 401, 403),
  },
});
const retry = createRoute({
  method: 'post',
  path: '/api/v1/settlements/payouts/{id}/retry',
  summary: 'Sends a failed payout again, to the seller’s current account (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { params: uuidParam('id') },
  responses: {
    200: jsonResponse(payoutView, 'The payout, PENDING again'),
    ...problems(400, 401, 403, 404, 409),
  },
});
const hold = createRoute({
  method: 'post',
  path: '/api/v1/settlements/holds',
  summary: '지급 보류: keeps a seller (or one settlement) out of payouts until released (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    body: jsonBody(
      z.object({
        sellerId: z.string().min(1).max(64).optional(),
        settlementId: z.uuid().optional(),
        reason: z.string().trim().min(1).max(500),
      }),
    ),
  },
  responses: { 201: jsonResponse(holdView, 'The hold'), ...problems(400, 401, 403, 404, 409) },
});
const release = createRoute({
  method: 'post',
  path: '/api/v1/settlements/holds/{id}/release',
  summary: 'Releases a hold: what it kept out goes in the next batch (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { params: uuidParam('id') },
  responses: { 200: jsonResponse(holdView, 'The released hold'), ...problems(400, 401, 403, 404, 409) },
});
const listHolds = createRoute({
  method: 'get',
  path: '/api/v1/settlements/holds',
  summary: 'Holds, newest first (active only unless `all=true`)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      sellerId: z.string().max(64).optional(),
      all: z.enum(['true', 'false']).default('false'),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(holdView) }), 'Holds'),
    ...problems(400, 401, 403),
  },
});

export function payoutRoutes(app: App, deps: SettlementContext) {
  const { db } = deps;
  const ctx = () => deps.payouts;

  async function batchOf(id: string) {
    const b = await db.selectFrom('payout_batches').selectAll().where('id', '=', id).executeTakeFirst();
    if (!b) throw notFound('PAYOUT_BATCH_NOT_FOUND', 'No such payout batch');
    const payouts = await db
      .selectFrom('payouts')
      .selectAll()
      .where('batch_id', '=', id)
      .orderBy('seller_id')
      .execute();
    const count = (s: string) => payouts.filter((p) => p.status === s).length;
    return {
      id: b.id,
      period: { from: b.period_from, to: b.period_to },
      createdAt: b.created_at.toISOString(),
      totals: {
        count: payouts.length,
        amount: payouts.reduce((a, p) => a + p.amount, 0),
        paid: count('PAID'),
        failed: count('FAILED'),
        open: count('PENDING') + count('PROCESSING'),
      },
      payouts: payouts.map(toPayoutView),
    };
  }

  app.openapi(startBatchRoute, async (c) => {
    const { from, to } = c.req.valid('json');
    const p = endedPeriod(from, to);
    if (!ctx().bank)
      throw unavailable('BANK_UNAVAILABLE', 'Payouts are not configured (open-banking credentials)');
    const id = await startBatch(ctx(), p, principalOf(c).userId);
    return c.json(await batchOf(id), 200);
  });
  app.openapi(getBatch, async (c) => c.json(await batchOf(c.req.valid('param').id), 200));
  app.openapi(listPayouts, async (c) => {
    const q = c.req.valid('query');
    let query = db.selectFrom('payouts').selectAll().orderBy('updated_at', 'desc').limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.sellerId) query = query.where('seller_id', '=', q.sellerId);
    return c.json({ items: (await query.execute()).map(toPayoutView) }, 200);
  });
  app.openapi(retry, async (c) => {
    const id = c.req.valid('param').id;
    // The payout as the retry left it: the woken sender may already be sending it.
    return c.json(toPayoutView(await retryPayout(ctx(), id)), 200);
  });
  app.openapi(hold, async (c) => {
    const b = c.req.valid('json');
    if (!b.sellerId && !b.settlementId)
      throw validationFailed([{ path: 'sellerId', message: 'name a seller or a settlement' }]);
    const h = await placeHold(ctx(), b, b.reason, principalOf(c).userId);
    return c.json(toHoldView(h), 201);
  });
  app.openapi(release, async (c) =>
    c.json(toHoldView(await releaseHold(ctx(), c.req.valid('param').id, principalOf(c).userId)), 200),
  );
  app.openapi(listHolds, async (c) => {
    const q = c.req.valid('query');
    let query = db.selectFrom('holds').selectAll().orderBy('held_at', 'desc').limit(200);
    if (q.all === 'false') query = query.where('released_at', 'is', null);
    if (q.sellerId) query = query.where('seller_id', '=', q.sellerId);
    return c.json({ items: (await query.execute()).map(toHoldView) }, 200);
  });
}
