import { newId, outboxInsertIf, publishOptions, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { PgPayment } from '../pg/port.ts';
import { lockPayment, type Payment, type PaymentContext, utc } from './context.ts';
import { recordPgCancels } from './refunded.ts';

const open = ['READY', 'IN_PROGRESS', 'WAITING_FOR_DEPOSIT'];

/** PG statuses that settle a confirmation one way or the other. */
export const decisive = (s: string | undefined) =>
  s === 'DONE' ||
  s === 'WAITING_FOR_DEPOSIT' ||
  s === 'ABORTED' ||
  s === 'EXPIRED' ||
  s === 'CANCELED' ||
  s === 'PARTIAL_CANCELED';

/**
 * Brings our payment in line with what the PG says (after a confirmation, a re-query, a webhook):
 * paid → payment.completed; virtual account issued → WAITING_FOR_DEPOSIT; aborted or expired →
 * payment.failed; cancels made at the PG's side → payment.refunded. Only forward moves happen, so
 * a late or repeated answer changes nothing. A payment that completes after its order was
 * cancelled is queued for a refund at once.
 */
export async function settleWithPg(ctx: PaymentContext, p: Payment, pg: PgPayment): Promise<Payment> {
  // The usual answer, paid, of an order not cancelled meanwhile: the move to DONE and its
  // payment.completed in one statement, which commits as a whole (the DONE case below as a
  // condition). Anything else is decided under the row's lock, in a transaction.
  if (pg.status === 'DONE') {
    const event = completedEvent(ctx, { ...p, amount: pg.totalAmount }, pg);
    const paid = await ctx.db
      .with('paid', (db) =>
        db
          .updateTable('payments')
          .set(paidBy(pg))
          .where('id', '=', p.id)
          .where('status', 'in', open as never)
          .where((eb) => eb.or([eb('payment_key', 'is', null), eb('payment_key', '=', pg.paymentKey)]))
          .where('order_cancelled_at', 'is', null)
          .returningAll(),
      )
      .with('sent', () => outboxInsertIf([event], 'paid'))
      .selectFrom('paid')
      .selectAll()
      .executeTakeFirst();
    if (paid) return paid;
  }
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await lockPayment(trx, { id: p.id });
    if (!locked) throw new Error(`payment ${p.id} vanished`);
    return applyPgState(ctx, trx, locked, pg);
  });
}

export async function applyPgState(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  p: Payment,
  pg: PgPayment,
): Promise<Payment> {
  if (p.payment_key && pg.paymentKey !== p.payment_key) {
    ctx.log.warn({ orderId: p.order_id }, 'the PG answered about another payment key; ignored');
    return p;
  }
  const base = { pg_status: pg.status, pg_method: pg.method ?? null, updated_at: new Date() };
  if (pg.status === 'DONE' && open.includes(p.status)) {
    const paid = await trx
      .updateTable('payments')
      .set(paidBy(pg))
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return completed(ctx, trx, paid, pg);
  }
  if (pg.status === 'WAITING_FOR_DEPOSIT' && (p.status === 'READY' || p.status === 'IN_PROGRESS')) {
    const waiting = await trx
      .updateTable('payments')
      .set({
        ...base,
        status: 'WAITING_FOR_DEPOSIT',
        payment_key: pg.paymentKey,
        virtual_account: pg.virtualAccount ? JSON.stringify(pg.virtualAccount) : null,
        deposit_secret: pg.secret ?? null,
      })
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (p.order_cancelled_at) await queueCancellation(trx, waiting, 'order cancelled before the deposit');
    return waiting;
  }
  if ((pg.status === 'ABORTED' || pg.status === 'EXPIRED') && open.includes(p.status)) {
    return markFailed(
      ctx,
      trx,
      p,
      pg.failure?.code ?? `PG_${pg.status}`,
      pg.failure?.message ?? `the PG reports ${pg.status}`,
    );
  }
  if (pg.status === 'CANCELED' || pg.status === 'PARTIAL_CANCELED') return recordPgCancels(ctx, trx, p, pg);
  return p;
}

/** What the PG's DONE sets: the payment is paid. */
const paidBy = (pg: PgPayment) => ({
  pg_status: pg.status,
  pg_method: pg.method ?? null,
  updated_at: new Date(),
  status: 'DONE' as const,
  // The amount is what the PG took (the same as asked, unless something went wrong).
  amount: pg.totalAmount,
  payment_key: pg.paymentKey,
  approved_at: new Date(utc(pg.approvedAt)),
  pg_transaction_key: pg.lastTransactionKey ?? null,
});

/** A payment just paid: payment.completed, and a refund at once if its order was cancelled meanwhile. */
async function completed(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  paid: Payment,
  pg: PgPayment,
): Promise<Payment> {
  await ctx.events.write(trx, [completedEvent(ctx, paid, pg)]);
  if (paid.order_cancelled_at)
    await queueCancellation(trx, paid, 'order cancelled while the payment completed');
  return paid;
}

/** The payment.completed of a payment the PG paid (`paid`: its row as paid). */
const completedEvent = (ctx: PaymentContext, paid: Payment, pg: PgPayment) =>
  ctx.events.build(
    'payment.completed',
    {
      paymentId: paid.id,
      orderId: paid.order_id,
      // What the PG took, not what we asked for: order fails a payment of another amount than
      // it owes, and its order.cancelled brings all of it back (cancelForOrder).
      amount: paid.amount,
      method: paid.method,
      pgTransactionId: pg.lastTransactionKey ?? pg.paymentKey,
      paidAt: utc(pg.approvedAt),
      userId: paid.user_id,
    },
    publishOptions('payment', paid),
  );

export async function markFailed(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  p: Payment,
  code: string,
  message: string,
): Promise<Payment> {
  const failed = await trx
    .updateTable('payments')
    .set({ status: 'FAILED', failure_code: code, failure_message: message, updated_at: new Date() })
    .where('id', '=', p.id)
    .where('status', 'in', open as never)
    .returningAll()
    .executeTakeFirst();
  if (!failed) return p;
  await ctx.events.publish(
    trx,
    'payment.failed',
    {
      paymentId: p.id,
      orderId: p.order_id,
      reason: message,
      errorCode: code,
      failedAt: new Date().toISOString(),
      userId: p.user_id,
    },
    publishOptions('payment', p),
  );
  return failed;
}

/** The whole balance goes back: one cancellation per payment, whatever is retried. */
export async function queueCancellation(
  trx: Transaction<Database>,
  p: Payment,
  reason: string,
  refundAccountSealed: string | null = null,
) {
  const balance = p.amount - p.refunded_amount;
  if (p.status !== 'WAITING_FOR_DEPOSIT' && balance <= 0) return;
  await trx
    .insertInto('refunds')
    .values({
      id: newId(),
      payment_id: p.id,
      order_id: p.order_id,
      kind: 'CANCEL',
      refund_request_id: null,
      amount: balance,
      reason,
      last_error: null,
      pg_transaction_key: null,
      completed_at: null,
      refund_account_sealed: refundAccountSealed,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
