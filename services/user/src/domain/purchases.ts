import type { EventPublisher, Transaction } from '@mp/platform';
import { publishOptions } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { type GradePolicy, gradeFor, netPaidInWindow } from './grades.ts';

type Trx = Transaction<Database>;

/**
 * Re-evaluates a user's grade (등급) under a row lock; a change is written and announced with
 * `user.updated` (an unchanged grade costs two statements: the stamp and the sum).
 */
export async function reevaluateGrade(
  trx: Trx,
  events: EventPublisher,
  policy: GradePolicy,
  userId: string,
  now = new Date(),
): Promise<string | undefined> {
  // The row locked by the update that stamps the evaluation, which answers the grade as it was;
  // the sum follows the lock (a payment committed by a transaction that held it is counted).
  const user = await trx
    .updateTable('users')
    .set({ grade_evaluated_at: now })
    .where('id', '=', userId)
    .where('status', '<>', 'DELETED')
    .returning(['grade', 'status'])
    .executeTakeFirst();
  if (!user) return undefined;
  const grade = gradeFor(policy, await netPaidInWindow(trx, userId, policy.windowDays, now));
  if (grade !== user.grade) {
    await trx.updateTable('users').set({ grade, updated_at: now }).where('id', '=', userId).execute();
    await events.publish(
      trx,
      'user.updated',
      { userId, changes: ['grade'], grade, status: user.status, updatedAt: now.toISOString() },
      publishOptions('user', userId, { userId }),
    );
  }
  return grade;
}

/** Records a payment once; its user may be unknown until `order.completed` names it. */
export async function recordPayment(
  trx: Trx,
  p: { paymentId: string; orderId: string; userId: string | undefined; amount: number; paidAt: string },
): Promise<string | undefined> {
  // A payment event may not carry the buyer; an earlier order.completed of the same order may have.
  const userId =
    p.userId ??
    (
      await trx
        .selectFrom('completed_orders')
        .select('user_id')
        .where('order_id', '=', p.orderId)
        .executeTakeFirst()
    )?.user_id;
  await trx
    .insertInto('payments')
    .values({
      payment_id: p.paymentId,
      order_id: p.orderId,
      user_id: userId ?? null,
      amount: p.amount,
      paid_at: new Date(p.paidAt),
    })
    .onConflict((oc) => oc.column('payment_id').doNothing())
    .execute();
  return userId;
}

export async function recordRefund(
  trx: Trx,
  r: { refundId: string; paymentId: string; orderId: string; amount: number; refundedAt: string },
): Promise<string | undefined> {
  await trx
    .insertInto('refunds')
    .values({
      refund_id: r.refundId,
      payment_id: r.paymentId,
      order_id: r.orderId,
      amount: r.amount,
      refunded_at: new Date(r.refundedAt),
    })
    .onConflict((oc) => oc.column('refund_id').doNothing())
    .execute();
  const payment = await trx
    .selectFrom('payments')
    .select('user_id')
    .where('payment_id', '=', r.paymentId)
    .executeTakeFirst();
  return payment?.user_id ?? undefined;
}

/** Records a confirmed purchase (구매확정) and attributes the order's payments to its buyer. */
export async function recordCompletedOrder(
  trx: Trx,
  o: { orderId: string; userId: string; amount: number; completedAt: string },
): Promise<void> {
  await trx
    .insertInto('completed_orders')
    .values({
      order_id: o.orderId,
      user_id: o.userId,
      amount: o.amount,
      completed_at: new Date(o.completedAt),
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
  await trx
    .updateTable('payments')
    .set({ user_id: o.userId })
    .where('order_id', '=', o.orderId)
    .where('user_id', 'is', null)
    .execute();
}

/** Records a dispatched parcel once (on shipping.dispatched: 구매 이력 업데이트); the buyer is the order's payer. */
export async function recordDispatch(
  trx: Trx,
  s: { shipmentId: string; orderId: string; carrier: string; trackingNumber: string; dispatchedAt: string },
): Promise<void> {
  await trx
    .insertInto('shipments')
    .values({
      shipment_id: s.shipmentId,
      order_id: s.orderId,
      carrier: s.carrier,
      tracking_number: s.trackingNumber,
      dispatched_at: new Date(s.dispatchedAt),
    })
    .onConflict((oc) => oc.column('shipment_id').doNothing())
    .execute();
}
