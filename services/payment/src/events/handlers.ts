import type { EventHandlers } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { PaymentContext } from '../domain/context.ts';
import { wakeJobs } from '../domain/jobs.ts';
import { cancelForOrder, openPayment, refundForRequest } from '../domain/order-events.ts';

/** order.created opens a payment; order.cancelled cancels or refunds it; order.refund.requested refunds (seed 1.5). */
export function handlers(ctx: PaymentContext, autoApprove: boolean): EventHandlers<Database> {
  return {
    'order.created': async (event, { trx }) => {
      await openPayment(ctx, trx, event, autoApprove);
      if (autoApprove) await wakeJobs(trx);
    },
    'order.cancelled': async (event, { trx }) => {
      await cancelForOrder(ctx, trx, event);
      await wakeJobs(trx);
    },
    'order.refund.requested': async (event, { trx }) => {
      await refundForRequest(trx, event);
      await wakeJobs(trx);
    },
  };
}
