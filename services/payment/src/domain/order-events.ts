import type { EventOf } from '@mp/contracts';
import {
  lockKey,
  newId,
  outboxInsertIf,
  PermanentEventError,
  publishOptions,
  sql,
  type Transaction,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { lockPayment, type PaymentContext } from './context.ts';
import { wakeColumn } from './jobs.ts';
import { queueCancellation } from './settle.ts';

/** Toss's orderName: the first item, and how many more (`나이키 에어 외 2건`). */
export function orderName(items: { name?: string | undefined }[]): string {
  const first = items[0]?.name ?? '주문 상품';
  const name = items.length > 1 ? `${first} 외 ${items.length - 1}건` : first;
  return name.slice(0, 100);
}

/**
 * order.created opens the payment (payment.requested): READY until the buyer pays, due when the
 * order's payment window closes. An order whose cancellation overtook it opens already cancelled.
 * With `autoApprove` (the local sandbox), the job runner that pays it is woken on commit.
 */
export async function openPayment(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  event: EventOf<'order.created'>,
  autoApprove: boolean,
): Promise<void> {
  const d = event.data;
  // order.cancelled may be handled at this very moment: one waits for the other, so each sees
  // what the other wrote (the payment, or the mark of a cancellation that came first). The insert
  // takes the order's lock itself and reads the mark after it was granted (`order_lock`, a
  // function whose read has a snapshot of its own: the statement's would predate the wait), and
  // writes payment.requested (only if it inserted): the usual order opens READY in one statement.
  const mark = <T>(col: 'cancelled_at' | 'reason') => sql<T>`(select ${sql.ref(col)} from mark)`;
  const row = { id: newId(), user_id: d.userId, correlation_id: event.correlationId, created_at: new Date() };
  const opts = publishOptions('payment', row);
  const requested = ctx.events.build(
    'payment.requested',
    {
      paymentId: row.id,
      orderId: d.orderId,
      userId: d.userId,
      amount: d.payableAmount,
      method: d.paymentMethod,
      requestedAt: row.created_at.toISOString(),
    },
    opts,
  );
  const p = await trx
    .with('mark', () => sql<{ cancelled_at: Date; reason: string }>`(select * from order_lock(${d.orderId}))`)
    .with('opened', (db) =>
      db
        .insertInto('payments')
        .values({
          ...row,
          order_id: d.orderId,
          amount: d.payableAmount,
          method: d.paymentMethod,
          order_name: orderName(d.items),
          status: sql`case when ${mark('cancelled_at')} is null then 'READY' else 'CANCELLED' end`,
          due_at: new Date(d.paymentDueAt),
          payment_key: null,
          confirm_started_at: null,
          pg_status: null,
          pg_method: null,
          pg_transaction_key: null,
          approved_at: null,
          failure_code: null,
          failure_message: null,
          virtual_account: null,
          deposit_secret: null,
          auto_approve: sql`${autoApprove} and ${mark('cancelled_at')} is null`,
          order_cancelled_at: mark<Date | null>('cancelled_at'),
        })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returning(['id', 'order_id', 'status'])
        // The sandbox pays it by itself: the job runner is woken by the same statement, on commit.
        .$if(autoApprove, (q) => q.returning(wakeColumn)),
    )
    .with('sent', () => outboxInsertIf([requested], 'opened'))
    .selectFrom('opened')
    .select(['id', 'order_id', 'status', mark<string | null>('reason').as('reason')])
    .executeTakeFirst();
  // Opened cancelled (a cancellation came first): payment.cancelled with the cancellation's reason.
  if (p?.status !== 'CANCELLED') return;
  await ctx.events.publish(
    trx,
    'payment.cancelled',
    {
      paymentId: p.id,
      orderId: p.order_id,
      reason: p.reason!,
      cancelledAt: new Date().toISOString(),
    },
    opts,
  );
}

/**
 * order.cancelled: an unpaid payment is cancelled (payment.cancelled); a paid one, or a
 * virtual account waiting for its deposit, is queued for cancellation at the PG; one being
 * confirmed right now is marked, so that it is refunded the moment it completes.
 */
export async function cancelForOrder(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  event: EventOf<'order.cancelled'>,
): Promise<void> {
  const d = event.data;
  await lockKey(trx, `payment-order:${d.orderId}`);
  const p = await lockPayment(trx, { orderId: d.orderId });
  if (!p) {
    await trx
      .insertInto('cancelled_orders')
      .values({ order_id: d.orderId, reason: d.reason })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return;
  }
  if (p.order_cancelled_at) return;
  const marked = await trx
    .updateTable('payments')
    .set({ order_cancelled_at: new Date(d.cancelledAt), auto_approve: false, updated_at: new Date() })
    .where('id', '=', p.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (p.status === 'READY') {
    await trx.updateTable('payments').set({ status: 'CANCELLED' }).where('id', '=', p.id).execute();
    await ctx.events.publish(
      trx,
      'payment.cancelled',
      { paymentId: p.id, orderId: p.order_id, reason: d.reason, cancelledAt: new Date().toISOString() },
      publishOptions('payment', p),
    );
  } else if (['WAITING_FOR_DEPOSIT', 'DONE', 'PARTIALLY_REFUNDED'].includes(p.status)) {
    const account = d.refundReceiveAccount ? ctx.methods.sealAccount(d.refundReceiveAccount) : null;
    await queueCancellation(trx, marked, d.reason, account);
  }
}

/**
 * order.refund.requested (반품): nothing is refunded until the seller's inspection accepts the
 * return; a virtual-account order's refund account is kept (sealed) for that refund.
 */
export async function keepRefundAccount(
  ctx: PaymentContext,
  trx: Transaction<Database>,
  event: EventOf<'order.refund.requested'>,
) {
  const d = event.data;
  if (!d.refundReceiveAccount) return;
  await trx
    .insertInto('refund_accounts')
    .values({
      refund_request_id: d.refundRequestId,
      order_id: d.orderId,
      sealed: ctx.methods.sealAccount(d.refundReceiveAccount),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * order.return.inspected, accepted: the refund of what the inspection gives back (the lines less the
 * return shipping fee) is queued, once per return whatever the redeliveries (a unique index per
 * refund request), never beyond what is left of the payment; the PG call is the refund job's.
 */
export async function refundForReturn(trx: Transaction<Database>, event: EventOf<'order.return.inspected'>) {
  const d = event.data;
  if (d.result !== 'ACCEPTED' || d.refundAmount <= 0) return;
  const p = await lockPayment(trx, { orderId: d.orderId });
  if (!p || (p.status !== 'DONE' && p.status !== 'PARTIALLY_REFUNDED'))
    throw new PermanentEventError(
      `order ${d.orderId} has no paid payment to refund (status ${p?.status ?? 'none'})`,
    );
  const pending = await trx
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('sum'))
    .where('payment_id', '=', p.id)
    .where('status', 'in', ['PENDING', 'FAILED'])
    .where((eb) => eb('refund_request_id', 'is', null).or('refund_request_id', '!=', d.refundRequestId))
    .executeTakeFirstOrThrow();
  const amount = Math.min(d.refundAmount, p.amount - p.refunded_amount - Number(pending.sum));
  if (amount <= 0) throw new PermanentEventError(`nothing left to refund on order ${d.orderId}`);
  const account = await trx
    .selectFrom('refund_accounts')
    .select('sealed')
    // A rejected part an admin overturned uses the account given with the return it split from.
    .where('refund_request_id', 'in', d.splitFrom ? [d.refundRequestId, d.splitFrom] : [d.refundRequestId])
    .executeTakeFirst();
  await trx
    .insertInto('refunds')
    .values({
      id: newId(),
      payment_id: p.id,
      order_id: p.order_id,
      kind: 'REFUND',
      refund_request_id: d.refundRequestId,
      amount,
      reason: d.returnReason === 'SELLER_FAULT' ? '반품 (판매자 귀책)' : '반품 (단순변심)',
      last_error: null,
      pg_transaction_key: null,
      completed_at: null,
      refund_account_sealed: account?.sealed ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
