import { conflict, notFound } from '@mp/platform';
import { type ConfirmOutcome, confirmAtPg, refuseUnpayable } from './confirm.ts';
import { lockPayment, PAID, type PaymentContext } from './context.ts';

export interface PayWithMethodInput {
  orderId: string;
  methodId: string;
  userId: string;
}

/**
 * 간편결제: pays the buyer's order with a saved card. Only the order's buyer, only while the
 * payment awaits payment, always the payment's own amount. The payment is claimed (READY →
 * IN_PROGRESS) like a window confirmation, then charged and settled by the same code
 * (confirmAtPg): the PG's answer, the re-query when it is lost, the error codes.
 */
export async function payWithMethod(ctx: PaymentContext, input: PayWithMethodInput): Promise<ConfirmOutcome> {
  const claim = await ctx.db.transaction().execute(async (trx) => {
    const p = await lockPayment(trx, { orderId: input.orderId });
    if (!p || p.user_id !== input.userId)
      throw notFound('PAYMENT_NOT_FOUND', 'No payment is waiting for this order (yet)');
    // Shares the method's row with its removal, so a card is never removed while it pays.
    const m = await trx
      .selectFrom('payment_methods')
      .select(['id', 'deleted_at'])
      .where('id', '=', input.methodId)
      .where('user_id', '=', input.userId)
      .forShare()
      .executeTakeFirst();
    if (!m || m.deleted_at)
      throw notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved payment method', {
        errors: [{ path: 'methodId', message: 'not one of your saved payment methods', in: 'body' }],
      });
    if ((PAID as readonly string[]).includes(p.status) || p.status === 'WAITING_FOR_DEPOSIT') {
      if (p.payment_method_id === m.id) return { replay: true as const, payment: p };
      throw conflict('PAYMENT_ALREADY_DONE', 'This order has been paid with another payment');
    }
    refuseUnpayable(p);
    if (p.method !== 'card')
      throw conflict(
        'PAYMENT_METHOD_MISMATCH',
        `This order is to be paid by ${p.method}; a saved card pays card orders`,
        {
          errors: [{ path: 'methodId', message: `the order's payment method is ${p.method}`, in: 'body' }],
        },
      );
    const claimed = await trx
      .updateTable('payments')
      .set((eb) => ({
        status: 'IN_PROGRESS',
        payment_key: null,
        payment_method_id: m.id,
        confirm_attempt: eb('confirm_attempt', '+', 1),
        confirm_started_at: new Date(),
        updated_at: new Date(),
      }))
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { replay: false as const, payment: claimed };
  });
  if (claim.replay) return { payment: claim.payment, settled: true };
  return confirmAtPg(ctx, claim.payment);
}
