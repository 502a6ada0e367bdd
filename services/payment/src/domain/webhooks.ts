import { timingSafeEqual } from 'node:crypto';
import { badRequest, redact, unavailable, z } from '@mp/platform';
import type { PgPayment } from '../pg/port.ts';
import { lockPayment, type PaymentContext } from './context.ts';
import { applyPgState } from './settle.ts';

/** Toss's two webhook shapes: PAYMENT_STATUS_CHANGED `{eventType, createdAt, data}` and DEPOSIT_CALLBACK `{secret, status, orderId, …}`. */
export const tossWebhook = z.object({
  eventType: z.string().max(100).optional(),
  createdAt: z.string().max(50).optional(),
  data: z
    .object({ paymentKey: z.string().max(200).optional(), orderId: z.string().max(64).optional() })
    .loose()
    .optional(),
  secret: z.string().max(200).optional(),
  status: z.string().max(50).optional(),
  orderId: z.string().max(64).optional(),
  transactionKey: z.string().max(200).optional(),
});
export type TossWebhook = z.infer<typeof tossWebhook>;

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * A webhook is only a nudge: its body is never trusted. The payment is looked up by order id,
 * a deposit callback must carry the payment's secret, and the state applied is what the PG
 * answers when asked (re-query). An order we do not know is acknowledged and ignored. The body
 * is logged without its secrets (the deposit callback's `secret`) and personal data.
 */
export async function receiveWebhook(ctx: PaymentContext, body: TossWebhook): Promise<string> {
  const type = body.eventType ?? (body.secret !== undefined ? 'DEPOSIT_CALLBACK' : 'UNKNOWN');
  const orderId = body.data?.orderId ?? body.orderId;
  const outcome = await handle(ctx, type, orderId, body);
  await ctx.db
    .insertInto('webhook_events')
    .values({ event_type: type, order_id: orderId ?? null, payload: JSON.stringify(redact(body)), outcome })
    .execute();
  return outcome;
}

async function handle(ctx: PaymentContext, type: string, orderId: string | undefined, body: TossWebhook) {
  if (!orderId) return 'ignored: no order id';
  const p = await ctx.db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!p) return 'ignored: unknown order';
  if (
    type === 'DEPOSIT_CALLBACK' &&
    !(p.deposit_secret && body.secret && same(p.deposit_secret, body.secret))
  )
    throw badRequest('WEBHOOK_SECRET_MISMATCH', 'The deposit callback does not carry this payment’s secret');
  let pg: PgPayment | undefined;
  try {
    pg = p.payment_key ? await ctx.pg.getPayment(p.payment_key) : await ctx.pg.findByOrderId(orderId);
  } catch {
    // The PG retries its webhook; so can we.
    throw unavailable('PG_UNAVAILABLE', 'The PG could not be asked about this payment; send it again later');
  }
  if (!pg) return 'ignored: the PG knows no payment for the order';
  const after = await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockPayment(trx, { id: p.id }))!;
    return applyPgState(ctx, trx, locked, pg);
  });
  return `${p.status} → ${after.status} (PG ${pg.status})`;
}
