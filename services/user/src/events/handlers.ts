import type { EventHandlers } from '@mp/platform';
import { gradePolicy, type UserDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import {
  recordCompletedOrder,
  recordDispatch,
  recordPayment,
  recordRefund,
  reevaluateGrade,
} from '../domain/purchases.ts';

/**
 * Purchases move the grade (등급): payments add to the paid amount, refunds take from it,
 * 구매확정 and delivery names the buyer of an order and counts the purchase. Each handler records
 * its fact once (keyed by the payment, refund or order) and re-evaluates the buyer's grade.
 */
export function handlers(deps: UserDeps): EventHandlers<Database> {
  const policy = gradePolicy(deps.config);
  const { events } = deps;
  return {
    'payment.completed': async (e, { trx }) => {
      const d = e.data;
      const userId = await recordPayment(trx, {
        paymentId: d.paymentId,
        orderId: d.orderId,
        userId: d.userId ?? e.userId,
        amount: d.amount,
        paidAt: d.paidAt,
      });
      if (userId) await reevaluateGrade(trx, events, policy, userId);
    },
    'payment.refunded': async (e, { trx }) => {
      const d = e.data;
      const userId = await recordRefund(trx, {
        refundId: d.refundId,
        paymentId: d.paymentId,
        orderId: d.orderId,
        amount: d.amount,
        refundedAt: d.refundedAt,
      });
      if (userId) await reevaluateGrade(trx, events, policy, userId);
    },
    'order.completed': async (e, { trx }) => {
      const d = e.data;
      await recordCompletedOrder(trx, {
        orderId: d.orderId,
        userId: d.userId,
        amount: d.payableAmount,
        completedAt: d.completedAt,
      });
      await reevaluateGrade(trx, events, policy, d.userId);
    },
    // A parcel sent updates the buyer's purchase history (its shipped orders).
    'shipping.dispatched': async (e, { trx }) => recordDispatch(trx, e.data),
    'shipping.delivered': async (e, { trx }) => {
      // When an order is delivered, the buyer's grade is looked at again.
      const d = e.data;
      const userId =
        d.userId ??
        (
          await trx
            .selectFrom('payments')
            .select('user_id')
            .where('order_id', '=', d.orderId)
            .executeTakeFirst()
        )?.user_id;
      if (userId) await reevaluateGrade(trx, events, policy, userId);
    },
  };
}
