import type { EventHandlers } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { OrderContext } from '../domain/context.ts';
import { onExchangeBooked, onExchangeFailed, onExchangeLeg } from '../domain/exchange-events.ts';
import {
  onPaymentCancelled,
  onPaymentCompleted,
  onPaymentFailed,
  onPaymentRefunded,
} from '../domain/payment-events.ts';
import { onReturnBooked, onReturnLeg } from '../domain/returns.ts';
import { onShipment } from '../domain/shipping-events.ts';

/** The order follows its payment and its shipments (its subscriptions in the original design, gaps filled). */
export function handlers(ctx: OrderContext): EventHandlers<Database> {
  return {
    'payment.completed': (e, { trx }) => onPaymentCompleted(ctx, trx, e),
    'payment.failed': (e, { trx }) => onPaymentFailed(ctx, trx, e),
    'payment.refunded': (e, { trx }) => onPaymentRefunded(ctx, trx, e),
    'payment.cancelled': (e, { trx }) => onPaymentCancelled(trx, e),
    'shipping.requested': (e, { trx }) =>
      onShipment(trx, e.eventId, 'SHIPPING_REQUESTED', e.data, 'REQUESTED', e.data.requestedAt),
    'shipping.dispatched': (e, { trx }) =>
      onShipment(trx, e.eventId, 'SHIPPING_DISPATCHED', e.data, 'DISPATCHED', e.data.dispatchedAt),
    'shipping.in_transit': (e, { trx }) =>
      onShipment(trx, e.eventId, 'SHIPPING_IN_TRANSIT', e.data, 'IN_TRANSIT', e.data.at),
    'shipping.delivered': (e, { trx }) =>
      onShipment(trx, e.eventId, 'SHIPPING_DELIVERED', e.data, 'DELIVERED', e.data.deliveredAt),
    'shipping.failed': (e, { trx }) =>
      onShipment(trx, e.eventId, 'SHIPPING_FAILED', e.data, 'FAILED', e.data.failedAt),
    'shipping.return.requested': (e, { trx }) => onReturnBooked(trx, e),
    'shipping.return.received': (e, { trx }) => onReturnLeg(ctx, trx, e),
    'shipping.return.failed': (e, { trx }) => onReturnLeg(ctx, trx, e),
    'shipping.exchange.requested': (e, { trx }) => onExchangeBooked(trx, e),
    'shipping.exchange.dispatched': (e, { trx }) => onExchangeLeg(ctx, trx, e, 'DISPATCHED'),
    'shipping.exchange.delivered': (e, { trx }) => onExchangeLeg(ctx, trx, e, 'DELIVERED'),
    'shipping.exchange.failed': (e, { trx }) => onExchangeFailed(ctx, trx, e),
  };
}
