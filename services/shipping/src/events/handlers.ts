import type { EventHandlers } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { ShippingContext } from '../domain/context.ts';
import { bookExchange, cancelExchange } from '../domain/exchanges.ts';
import { cancelShipments, rememberOrder, requestShipments } from '../domain/order-events.ts';
import { returnsForRefund } from '../domain/returns.ts';

/** The order's split, shipments on payment, cancellation before dispatch, returns for refunds, exchanges' two legs. */
export function handlers(ctx: ShippingContext): EventHandlers<Database> {
  return {
    'order.created': (event, { trx }) => rememberOrder(trx, event),
    'payment.completed': (event, { trx }) => requestShipments(ctx, trx, event),
    'order.cancelled': (event, { trx }) => cancelShipments(ctx, trx, event),
    'order.refund.requested': (event, { trx }) => returnsForRefund(ctx, trx, event),
    'order.exchange.requested': (event, { trx }) => bookExchange(ctx, trx, event),
    'order.exchange.cancelled': (event, { trx }) => cancelExchange(trx, event),
  };
}
