import { PgError, type PgPayment } from '../pg/port.ts';
import type { Payment, PaymentContext } from './context.ts';

/**
 * 자동결제 승인: charges the payment's amount (never a client's) to the saved card it was claimed
 * with, under the attempt's idempotency key, so a re-sent charge is the same charge.
 */
export async function chargeSavedMethod(
  ctx: PaymentContext,
  p: Payment,
  idempotencyKey: string,
): Promise<PgPayment> {
  const m = await ctx.db
    .selectFrom('payment_methods')
    .select(['customer_key', 'billing_key_sealed'])
    .where('id', '=', p.payment_method_id!)
    .executeTakeFirst();
  if (!m?.billing_key_sealed)
    throw new PgError('not_found', 'PAYMENT_METHOD_REMOVED', 'the saved card was removed');
  return ctx.pg.chargeBillingKey(
    ctx.methods.unseal(m.billing_key_sealed),
    { customerKey: m.customer_key, amount: p.amount, orderId: p.order_id, orderName: p.order_name },
    idempotencyKey,
  );
}
