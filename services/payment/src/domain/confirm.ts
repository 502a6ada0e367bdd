import { badGateway, conflict, notFound, retryAfter, sql, unavailable, unprocessable } from '@mp/platform';
import { PgError, type PgPayment } from '../pg/port.ts';
import { declineCode } from '../pg/toss-errors.ts';
import { lockPayment, type Payment, type PaymentContext } from './context.ts';
import { chargeSavedMethod } from './method-charge.ts';
import { decisive, markFailed, settleWithPg } from './settle.ts';

export interface ConfirmInput {
  orderId: string;
  paymentKey: string;
  amount: number;
  /** The buyer confirming; absent when the sandbox pays by itself. */
  userId?: string;
}

export type ConfirmOutcome = { payment: Payment; settled: boolean };

/**
 * 결제 승인 with the PG. The amount must equal the order's payable amount. The payment is
 * claimed (READY → IN_PROGRESS) before the PG is called, so two confirmations never both reach
 * the PG; the PG call carries an idempotency key per attempt, so a retried call is the same
 * call. When the PG gives no clear answer, the PG is asked what happened; if it cannot say yet,
 * the payment stays IN_PROGRESS (202) and the reconciler asks again later. Never a guess.
 */
export async function confirmPayment(ctx: PaymentContext, input: ConfirmInput): Promise<ConfirmOutcome> {
  // The usual case in one statement: a READY payment of this amount, not cancelled, not overdue
  // (the checks below, as a condition). Anything else is decided under the row's lock below.
  const now = new Date();
  const fast = await ctx.db
    .updateTable('payments')
    .set(claimOf(input.paymentKey, now))
    .where('order_id', '=', input.orderId)
    .$if(input.userId !== undefined, (q) => q.where('user_id', '=', input.userId!))
    .where('status', '=', 'READY')
    .where('amount', '=', input.amount)
    .where('order_cancelled_at', 'is', null)
    .where('due_at', '>=', now)
    .returningAll()
    .executeTakeFirst();
  if (fast) return confirmAtPg(ctx, fast);
  const claim = await ctx.db.transaction().execute(async (trx) => {
    const p = await lockPayment(trx, { orderId: input.orderId });
    if (!p || (input.userId && p.user_id !== input.userId))
      throw notFound('PAYMENT_NOT_FOUND', 'No payment is waiting for this order (yet)');
    if (input.amount !== p.amount)
      throw unprocessable(
        'PAYMENT_AMOUNT_MISMATCH',
        `The amount must be the order's payable amount, ${p.amount}원`,
        {
          errors: [{ path: 'amount', message: `expected ${p.amount}`, in: 'body' }],
        },
      );
    if (['DONE', 'PARTIALLY_REFUNDED', 'REFUNDED', 'WAITING_FOR_DEPOSIT'].includes(p.status)) {
      if (p.payment_key === input.paymentKey) return { replay: true as const, payment: p };
      throw conflict('PAYMENT_ALREADY_DONE', 'This order has been paid with another payment');
    }
    refuseUnpayable(p);
    const claimed = await trx
      .updateTable('payments')
      .set(claimOf(input.paymentKey, new Date()))
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { replay: false as const, payment: claimed };
  });
  if (claim.replay) return { payment: claim.payment, settled: true };
  return confirmAtPg(ctx, claim.payment);
}

/** READY → IN_PROGRESS for a confirmation of the window's paymentKey: a new attempt. */
const claimOf = (paymentKey: string, now: Date) => ({
  status: 'IN_PROGRESS' as const,
  payment_key: paymentKey,
  payment_method_id: null,
  confirm_attempt: sql<number>`confirm_attempt + 1`,
  confirm_started_at: now,
  updated_at: now,
});

/** What every way of paying refuses: a payment that failed, was cancelled, is being paid, or is overdue. */
export function refuseUnpayable(p: Payment): void {
  if (p.status === 'FAILED')
    throw conflict('PAYMENT_FAILED', `This payment failed: ${p.failure_message ?? p.failure_code}`);
  if (p.status === 'CANCELLED' || p.order_cancelled_at)
    throw conflict('PAYMENT_CANCELLED', 'The order was cancelled');
  if (p.status === 'IN_PROGRESS')
    throw conflict('PAYMENT_IN_PROGRESS', 'A confirmation of this payment is in progress', {}, retryAfter(2));
  if (p.due_at.getTime() < Date.now())
    throw conflict('PAYMENT_EXPIRED', 'The time to pay for this order has passed');
}

/** The PG idempotency key of the payment's current attempt (window confirmation or saved card). */
export const confirmKey = (p: Payment) =>
  `${p.payment_method_id ? 'billing' : 'confirm'}-${p.id}-${p.confirm_attempt}`;

/** Whether the PG's payment for the order is the one this attempt made (a billing charge has no key before). */
export const sameAttempt = (p: Payment, pg: PgPayment) => !p.payment_key || pg.paymentKey === p.payment_key;

/**
 * Sends the claimed payment to the PG — the confirmation of the window's paymentKey, or the charge
 * of the saved card (자동결제 승인) — and settles what can be settled, the same way for both.
 */
export async function confirmAtPg(ctx: PaymentContext, p: Payment): Promise<ConfirmOutcome> {
  let pg: PgPayment;
  try {
    pg = p.payment_method_id
      ? await chargeSavedMethod(ctx, p, confirmKey(p))
      : await ctx.pg.confirm(
          { paymentKey: p.payment_key!, orderId: p.order_id, amount: p.amount },
          confirmKey(p),
        );
  } catch (err) {
    if (!(err instanceof PgError)) throw err;
    return afterPgError(ctx, p, err);
  }
  return settled(await settleWithPg(ctx, p, pg));
}

function settled(payment: Payment): ConfirmOutcome {
  if (payment.status === 'FAILED')
    throw unprocessable(
      declineCode(payment.failure_code ?? ''),
      payment.failure_message ?? 'The payment failed',
      {
        pgCode: payment.failure_code,
        paymentId: payment.id,
      },
    );
  return { payment, settled: payment.status !== 'IN_PROGRESS' };
}

async function afterPgError(ctx: PaymentContext, p: Payment, err: PgError): Promise<ConfirmOutcome> {
  ctx.log.warn({ orderId: p.order_id, kind: err.kind, code: err.code }, 'the PG did not confirm');
  if (err.kind === 'refused') {
    const failed = await ctx.db
      .transaction()
      .execute(async (trx) => markFailed(ctx, trx, p, err.code, err.message));
    return settled(failed);
  }
  if (err.kind === 'not_found' || err.kind === 'config') {
    await backToReady(ctx, p);
    if (err.kind === 'config')
      throw badGateway('PG_MISCONFIGURED', 'The payment gateway refused our credentials');
    if (p.payment_method_id)
      throw unprocessable(
        'PAYMENT_METHOD_INVALID',
        'The PG no longer accepts this saved card; register it again',
        {
          errors: [{ path: 'methodId', message: err.message, in: 'body' }],
        },
      );
    throw unprocessable(
      'PAYMENT_KEY_INVALID',
      'The PG does not know this paymentKey, or its payment window expired',
      {
        errors: [{ path: 'paymentKey', message: err.message, in: 'body' }],
      },
    );
  }
  // No clear answer: ask the PG what happened instead of guessing.
  const now = await ctx.pg.findByOrderId(p.order_id).catch(() => 'unknown' as const);
  if (now !== 'unknown' && now && sameAttempt(p, now) && decisive(now.status))
    return settled(await settleWithPg(ctx, p, now));
  if (err.kind === 'retryable' && now !== 'unknown' && (!now || now.status === 'READY')) {
    // The PG answered that it failed and holds nothing done: the buyer may simply try again.
    await backToReady(ctx, p);
    throw unavailable(
      'PG_UNAVAILABLE',
      `The PG could not confirm now (${err.code}); try again`,
      {},
      retryAfter(2),
    );
  }
  return { payment: p, settled: false };
}

export async function backToReady(ctx: PaymentContext, p: Payment) {
  await ctx.db
    .updateTable('payments')
    .set({ status: 'READY', confirm_started_at: null, updated_at: new Date() })
    .where('id', '=', p.id)
    .where('status', '=', 'IN_PROGRESS')
    .where('confirm_attempt', '=', p.confirm_attempt)
    .execute();
}
