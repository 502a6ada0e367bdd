import { backoffMs, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { PgError, type PgPayment } from '../pg/port.ts';
import { lockPayment, type Payment, type PaymentContext, type Refund, utc } from './context.ts';
import { recordRefunded } from './refunded.ts';

/** A refund claimed by one job run is not taken by another for this long (its PG call's bound). */
const LEASE_MS = 60_000;

/**
 * Carries out queued refunds and cancellations at the PG (결제 취소), each with its own idempotency
 * key, so a retry after a crash or a timeout is the same cancel and money never goes back twice.
 */
export async function runRefunds(ctx: PaymentContext, batch = 10): Promise<number> {
  const claimed = await sql<Refund>`
    update refunds set next_attempt_at = now() + ${`${LEASE_MS} milliseconds`}::interval, attempts = attempts + 1
     where id in (select id from refunds where status = 'PENDING' and next_attempt_at <= now()
                  order by next_attempt_at limit ${batch} for update skip locked)
    returning *`.execute(ctx.db);
  for (const r of claimed.rows) await carryOut(ctx, r);
  return claimed.rows.length;
}

async function carryOut(ctx: PaymentContext, r: Refund) {
  const p = await ctx.db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', r.payment_id)
    .executeTakeFirstOrThrow();
  // Retries after a crash or no answer reuse the key (the same cancel); an admin's retry of a refusal is a new one.
  const key = r.retries ? `refund-${r.id}-retry-${r.retries}` : `refund-${r.id}`;
  let pg: PgPayment;
  try {
    // A deposited virtual account goes back by bank transfer, to the account the buyer gave.
    const account =
      p.method === 'virtual_account' && p.status !== 'WAITING_FOR_DEPOSIT' && r.refund_account_sealed
        ? { refundReceiveAccount: ctx.methods.unsealAccount(r.refund_account_sealed) }
        : {};
    pg = await ctx.pg.cancel(
      p.payment_key!,
      p.status === 'WAITING_FOR_DEPOSIT'
        ? { cancelReason: r.reason }
        : { cancelReason: r.reason, cancelAmount: r.amount, ...account },
      key,
    );
  } catch (err) {
    if (!(err instanceof PgError)) throw err;
    if (err.kind === 'already') {
      const now = await ctx.pg.getPayment(p.payment_key!).catch(() => undefined);
      const left = p.amount - p.refunded_amount - r.amount;
      if (now && (now.status === 'CANCELED' || now.balanceAmount <= left)) return settle(ctx, r, now);
    }
    if (err.kind === 'refused' || err.kind === 'not_found' || err.kind === 'already') {
      ctx.log.error(
        { refundId: r.id, orderId: r.order_id, code: err.code },
        'the PG refused a refund; it needs a person',
      );
      await ctx.db
        .updateTable('refunds')
        .set({ status: 'FAILED', last_error: `${err.code}: ${err.message}` })
        .where('id', '=', r.id)
        .execute();
      return;
    }
    await ctx.db
      .updateTable('refunds')
      .set({
        last_error: `${err.code}: ${err.message}`,
        next_attempt_at: new Date(Date.now() + backoffMs(r.attempts)),
      })
      .where('id', '=', r.id)
      .execute();
    return;
  }
  await settle(ctx, r, pg);
}

async function settle(ctx: PaymentContext, r: Refund, pg: PgPayment) {
  await ctx.db.transaction().execute(async (trx) => {
    const p = (await lockPayment(trx, { id: r.payment_id }))!;
    const done = await trx
      .updateTable('refunds')
      .set({
        status: 'DONE',
        completed_at: new Date(),
        pg_transaction_key: pgTransactionOf(pg, r),
        last_error: null,
      })
      .where('id', '=', r.id)
      .where('status', '=', 'PENDING')
      .returningAll()
      .executeTakeFirst();
    if (!done) return;
    if (p.status === 'WAITING_FOR_DEPOSIT') return cancelWaiting(ctx, trx, p, r.reason);
    await recordRefunded(ctx, trx, p, {
      refundId: r.id,
      amount: r.amount,
      reason: r.reason,
      refundRequestId: r.refund_request_id,
      at: utc(pg.cancels?.at(-1)?.canceledAt),
    });
  });
}

/** The cancel this refund made: the PG's newest with its amount. */
const pgTransactionOf = (pg: PgPayment, r: Refund) =>
  [...(pg.cancels ?? [])].reverse().find((c) => c.cancelAmount === r.amount)?.transactionKey ?? null;

async function cancelWaiting(ctx: PaymentContext, trx: Transaction<Database>, p: Payment, reason: string) {
  await trx
    .updateTable('payments')
    .set({ status: 'CANCELLED', updated_at: new Date() })
    .where('id', '=', p.id)
    .execute();
  await ctx.events.publish(
    trx,
    'payment.cancelled',
    { paymentId: p.id, orderId: p.order_id, reason, cancelledAt: new Date().toISOString() },
    publishOptions('payment', p),
  );
}
