import { sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { PgError } from '../pg/port.ts';
import { confirmAtPg, confirmPayment, sameAttempt } from './confirm.ts';
import type { PaymentContext } from './context.ts';
import { removeAtPg } from './method-registry.ts';
import { runRefunds } from './refunds.ts';
import { decisive, markFailed, settleWithPg } from './settle.ts';

/** Wakes the job runner when the transaction commits (NOTIFY is delivered on commit). */
export const wakeJobs = (trx: Transaction<Database>) =>
  sql`select pg_notify('payment_jobs', current_schema())`.execute(trx);

/** The NOTIFY that wakes the runner for a payment the sandbox pays by itself, as a column of the payment's insert (no round trip of its own). */
export const wakeColumn =
  sql<string>`case when auto_approve then pg_notify('payment_jobs', current_schema())::text end`.as('woken');

/**
 * What the runner does each time it wakes: the work a handler queued (the sandbox's own payments,
 * refunds) at once; the sweeps nothing wakes (confirmations left without an answer, removed cards'
 * billing keys at the PG) at most once per `sweepMs`, not on every wake. The runner's timer ticks
 * every `sweepMs` too, so a sweep is never more than 1.5 × `sweepMs` apart from the last.
 */
export function jobs(ctx: PaymentContext, sweepMs: number): () => Promise<void> {
  let swept = Number.NEGATIVE_INFINITY;
  return async () => {
    await autoApprove(ctx);
    await runRefunds(ctx);
    if (performance.now() - swept < sweepMs / 2) return;
    swept = performance.now();
    await reconcile(ctx);
    await removeAtPg(ctx);
  };
}

/**
 * Local profiles' headless mode: the sandbox PG pays every new order by itself, through the same
 * payment window and confirmation a buyer would use.
 */
export async function autoApprove(ctx: PaymentContext, batch = 20): Promise<number> {
  if (!ctx.window) return 0;
  // Claimed, not taken: a worker killed mid-batch leaves claims that lapse after 30 s, so its
  // payments are paid by the next one instead of waiting in READY until their window expires.
  const due = await sql<{ id: string; order_id: string; amount: number; order_name: string; method: string }>`
    update payments set auto_approve_claimed_at = now()
     where id in (select id from payments where status = 'READY' and auto_approve
                    and (auto_approve_claimed_at is null or auto_approve_claimed_at < now() - interval '30 seconds')
                  order by created_at limit ${batch} for update skip locked)
    returning id, order_id, amount, order_name, method`.execute(ctx.db);
  for (const p of due.rows) {
    try {
      const { paymentKey } = await ctx.window({
        orderId: p.order_id,
        amount: p.amount,
        orderName: p.order_name,
        method: p.method,
      });
      await confirmPayment(ctx, { orderId: p.order_id, paymentKey, amount: p.amount });
    } catch (err) {
      // A refusal is final (as a buyer's would be); only a worker that died leaves a claim to lapse.
      await sql`update payments set auto_approve = false where id = ${p.id}`.execute(ctx.db);
      ctx.log.warn({ err, orderId: p.order_id }, 'the sandbox could not pay the order by itself');
    }
  }
  return due.rows.length;
}

/**
 * Confirmations the PG has not settled (no answer, or still processing) are asked of the PG again;
 * if it still does not know them, the confirmation is sent again under the same idempotency key,
 * which the PG treats as the same request. A payment key the PG forgot (its window expired) fails.
 */
export async function reconcile(ctx: PaymentContext, batch = 20): Promise<number> {
  const stale = await sql<{ id: string }>`
    update payments set confirm_started_at = now()
     where id in (select id from payments where status = 'IN_PROGRESS'
                    and confirm_started_at < now() - ${`${ctx.reconcileAfterMs} milliseconds`}::interval
                  order by confirm_started_at limit ${batch} for update skip locked)
    returning id`.execute(ctx.db);
  for (const { id } of stale.rows) {
    const p = await ctx.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    try {
      const now = await ctx.pg.findByOrderId(p.order_id);
      if (now && sameAttempt(p, now) && decisive(now.status)) await settleWithPg(ctx, p, now);
      else if (!now || now.status === 'READY') await confirmAtPg(ctx, p).catch(() => undefined);
    } catch (err) {
      if (err instanceof PgError && err.kind === 'not_found')
        await ctx.db
          .transaction()
          .execute((trx) =>
            markFailed(ctx, trx, p, 'PG_SESSION_EXPIRED', 'the PG no longer knows this payment'),
          );
      else ctx.log.warn({ err, orderId: p.order_id }, 'reconciliation failed; will try again');
    }
  }
  return stale.rows.length;
}
