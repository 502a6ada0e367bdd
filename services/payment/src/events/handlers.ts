import type { EventHandlers } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { PaymentContext } from '../domain/context.ts';
import { wakeJobs } from '../domain/jobs.ts';
import { cancelForOrder, keepRefundAccount, openPayment, refundForReturn } from '../domain/order-events.ts';

/**
 * order.created opens a payment; order.cancelled cancels or refunds it; a return (반품) is refunded
 * once its inspection accepts it (order.return.inspected), to the account given with the request.
 */
export function handlers(ctx: PaymentContext, autoApprove: boolean): EventHandlers<Database> {
  return {
    'order.created': (event, { trx }) => openPayment(ctx, trx, event, autoApprove),
    'order.cancelled': async (event, { trx }) => {
      await cancelForOrder(ctx, trx, event);
      await wakeJobs(trx);
    },
    'order.refund.requested': (event, { trx }) => keepRefundAccount(ctx, trx, event),
    'order.return.inspected': async (event, { trx }) => {
      await refundForReturn(trx, event);
      await wakeJobs(trx);
    },
  };
}
