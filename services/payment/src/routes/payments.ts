import {
  type App,
  createRoute,
  decodeCursor,
  idempotent,
  isId,
  jsonBody,
  jsonResponse,
  type Kysely,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { confirmPayment } from '../domain/confirm.ts';
import type { Payment, PaymentContext } from '../domain/context.ts';
import { toPaymentDto } from '../domain/dto.ts';
import { payWithMethod as payWithSavedMethod } from '../domain/method-pay.ts';
import { paymentDto } from './schemas.ts';

const confirm = createRoute({
  method: 'post',
  path: '/api/v1/payments/confirm',
  summary:
    '결제 승인: confirm with the PG the payment the buyer made in the payment window (Toss semantics). Honours Idempotency-Key.',
  middleware: [requireRole('buyer')] as const,
  request: {
    body: jsonBody(
      z.object({
        orderId: z.string().min(1).max(64),
        paymentKey: z.string().min(1).max(200),
        amount: z.int().min(0),
      }),
    ),
  },
  responses: {
    200: jsonResponse(paymentDto, 'Paid (DONE), or a virtual account issued (WAITING_FOR_DEPOSIT)'),
    202: jsonResponse(
      paymentDto,
      'The PG has not settled it yet (IN_PROGRESS); it is asked again until it does',
    ),
    ...problems(400, 401, 403, 404, 409, 422, 502, 503),
  },
});

const payWithMethod = createRoute({
  method: 'post',
  path: '/api/v1/payments/pay-with-method',
  summary:
    "간편결제: pay the order with one of my saved cards (Toss 자동결제); the amount is the order's payable amount. Honours Idempotency-Key.",
  middleware: [requireRole('buyer')] as const,
  request: {
    body: jsonBody(z.object({ orderId: z.string().min(1).max(64), methodId: z.uuid() })),
  },
  responses: {
    200: jsonResponse(paymentDto, 'Paid (DONE)'),
    202: jsonResponse(
      paymentDto,
      'The PG has not settled it yet (IN_PROGRESS); it is asked again until it does',
    ),
    ...problems(400, 401, 403, 404, 409, 422, 502, 503),
  },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/payments/{id}',
  summary: 'A payment (its buyer or an admin)',
  middleware: [requireRole('buyer', 'seller', 'admin')] as const,
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 200: jsonResponse(paymentDto, 'The payment'), ...problems(400, 401, 404) },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/payments',
  summary: 'Payments, newest first: my own, or any for an admin; `orderId` narrows to one order',
  middleware: [requireRole('buyer', 'seller', 'admin')] as const,
  request: { query: pageQuery.extend({ orderId: z.string().max(64).optional() }) },
  responses: { 200: jsonResponse(pageOf(paymentDto), 'Payments'), ...problems(400, 401) },
});

/** A payment id in a path: anything that is not one of ours is simply not found (404). */

async function withRefunds(db: Kysely<Database>, payments: Payment[]) {
  const ids = payments.map((p) => p.id);
  const refunds = ids.length
    ? await db
        .selectFrom('refunds')
        .selectAll()
        .where('payment_id', 'in', ids)
        .orderBy('created_at')
        .execute()
    : [];
  return payments.map((p) =>
    toPaymentDto(
      p,
      refunds.filter((r) => r.payment_id === p.id),
    ),
  );
}

export function paymentRoutes(app: App, ctx: PaymentContext) {
  const { db } = ctx;
  app.use('/api/v1/payments/confirm', idempotent(db, 'payments.confirm'));
  app.openapi(confirm, async (c) => {
    const { userId } = principalOf(c);
    const outcome = await confirmPayment(ctx, { ...c.req.valid('json'), userId });
    const [dto] = await withRefunds(db, [outcome.payment]);
    return outcome.settled ? c.json(dto!, 200) : c.json(dto!, 202);
  });

  app.use('/api/v1/payments/pay-with-method', idempotent(db, 'payments.pay-with-method'));
  app.openapi(payWithMethod, async (c) => {
    const { userId } = principalOf(c);
    const outcome = await payWithSavedMethod(ctx, { ...c.req.valid('json'), userId });
    const [dto] = await withRefunds(db, [outcome.payment]);
    return outcome.settled ? c.json(dto!, 200) : c.json(dto!, 202);
  });

  app.openapi(get, async (c) => {
    const p = principalOf(c);
    const { id } = c.req.valid('param');
    if (!isId(id)) throw notFound('PAYMENT_NOT_FOUND', 'No such payment');
    let q = db.selectFrom('payments').selectAll().where('id', '=', id);
    if (p.role !== 'admin') q = q.where('user_id', '=', p.userId);
    const payment = await q.executeTakeFirst();
    if (!payment) throw notFound('PAYMENT_NOT_FOUND', 'No such payment');
    const [dto] = await withRefunds(db, [payment]);
    return c.json(dto!, 200);
  });

  app.openapi(list, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.string() }));
    let query = db
      .selectFrom('payments')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (p.role !== 'admin') query = query.where('user_id', '=', p.userId);
    if (q.orderId) query = query.where('order_id', '=', q.orderId);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: await withRefunds(db, page),
        nextCursor,
      },
      200,
    );
  });
}
