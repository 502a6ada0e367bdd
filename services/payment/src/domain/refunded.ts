import { newId, publishOptions, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { PgPayment } from '../pg/port.ts';
import { type Payment, type PaymentContext, utc } from './context.ts';

/**
 * Cancels the PG made that we did not ask for (from the PG's console): recorded and announced as
 * refunds. While one of our own refunds is pending, its cancel is left for it to record.
 */
export async function recordPgCancels(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  p: Payment,
  pg: PgPayment,
) {
  if (p.status !== 'DONE' && p.status !== 'PARTIALLY_REFUNDED') return p;
  const pending = await trx
    .selectFrom('refunds')
    .select('id')
    .where('payment_id', '=', p.id)
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
  if (pending) return p;
  const known = new Set(
    (
      await trx.selectFrom('refunds').select('pg_transaction_key').where('payment_id', '=', p.id).execute()
    ).map((r) => r.pg_transaction_key),
  );
  let current = p;
  for (const cancel of pg.cancels ?? []) {
    if (known.has(cancel.transactionKey)) continue;
    const refundId = newId();
    await trx
      .insertInto('refunds')
      .values({
        id: refundId,
        payment_id: p.id,
        order_id: p.order_id,
        kind: 'PG',
        refund_request_id: null,
        amount: cancel.cancelAmount,
        reason: cancel.cancelReason,
        status: 'DONE',
        last_error: null,
        pg_transaction_key: cancel.transactionKey,
        completed_at: new Date(utc(cancel.canceledAt)),
      })
      .execute();
    current = await recordRefunded(ctx, trx, current, {
      refundId,
      amount: cancel.cancelAmount,
      reason: cancel.cancelReason,
      refundRequestId: null,
      at: utc(cancel.canceledAt),
    });
  }
  return current;
}

/** Adds a settled refund to the payment (never beyond what was paid) and announces payment.refunded. */
export async function recordRefunded(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  p: Payment,
  r: { refundId: string; amount: number; reason: string; refundRequestId: string | null; at: string },
): Promise<Payment> {
  const refunded = p.refunded_amount + r.amount;
  const updated = await trx
    .updateTable('payments')
    .set({
      refunded_amount: refunded,
      status: refunded >= p.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
      updated_at: new Date(),
    })
    .where('id', '=', p.id)
    .where('refunded_amount', '=', p.refunded_amount)
    .returningAll()
    .executeTakeFirstOrThrow();
  await ctx.events.publish(
    trx,
    'payment.refunded',
    {
      refundId: r.refundId,
      paymentId: p.id,
      orderId: p.order_id,
      amount: r.amount,
      reason: r.reason,
      refundedAt: r.at,
      refundRequestId: r.refundRequestId,
      remainingAmount: p.amount - refunded,
    },
    publishOptions('payment', p),
  );
  return updated;
}
