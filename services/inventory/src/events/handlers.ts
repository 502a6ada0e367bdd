import { type EventHandlers, PermanentEventError, type ServiceDeps } from '@mp/platform';
import type { InventoryConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import {
  holdForExchange,
  releaseExchange,
  releaseFailedExchange,
  settleExchange,
} from '../domain/exchanges.ts';
import { addSkus, deactivate } from '../domain/items.ts';
import { cancel, sell } from '../domain/reservation-outcomes.ts';
import { findReservation } from '../domain/reservations.ts';
import { restockReturn } from '../domain/returns.ts';

/** Stock follows products (initial stock, new and removed SKUs) and orders. */
export function handlers(deps: ServiceDeps<Database, InventoryConfig>): EventHandlers<Database> {
  const { events, config } = deps;
  return {
    'product.created': async ({ data }, { trx, log }) => {
      await addSkus(trx, events, log, data, data.skus, config.DEFAULT_LOW_STOCK_THRESHOLD);
    },

    'product.updated': async ({ data }, { trx, log }) => {
      if (!data.skus) return;
      await addSkus(trx, events, log, data, data.skus, config.DEFAULT_LOW_STOCK_THRESHOLD);
      await deactivate(
        trx,
        data.productId,
        data.skus.filter((s) => s.active === false).map((s) => s.sku),
      );
    },

    'product.deleted': async ({ data }, { trx }) => {
      await deactivate(trx, data.productId);
    },

    // The order exists: its reservation now lives until the order's payment is due (plus grace),
    // when order cancels it; the expiry worker is only the safety net.
    'order.created': async ({ data }, { trx }) => {
      const until = new Date(Date.parse(data.paymentDueAt) + config.RESERVATION_GRACE_SECONDS * 1000);
      const r = await trx
        .updateTable('reservations')
        .set((eb) => ({
          confirmed: true,
          expires_at: eb.fn('greatest', ['expires_at', eb.val(until)]),
          updated_at: new Date(),
        }))
        .where('order_id', '=', data.orderId)
        .returning('status')
        .executeTakeFirst();
      if (!r) {
        // Order reserves synchronously before it publishes order.created; an order without a reservation is a bug.
        throw new PermanentEventError(`order ${data.orderId} was created without a stock reservation`);
      }
    },

    'payment.completed': async ({ data }, { trx, log }) => {
      const outcome = await sell(trx, events, data.orderId);
      if (outcome === 'unknown')
        log.warn({ orderId: data.orderId }, 'payment for an order with no reservation');
      if (outcome === 'cancelled')
        log.info({ orderId: data.orderId }, 'paid after the order was cancelled; payment refunds it');
    },

    'order.cancelled': async ({ data }, { trx, log }) => {
      const outcome = await cancel(trx, events, data.orderId);
      if (outcome === 'nothing' && !(await findReservation(trx, data.orderId))) {
        log.info({ orderId: data.orderId }, 'cancelled order held no stock');
      }
    },

    'order.exchange.requested': (e, { trx }) => holdForExchange(trx, e),
    'order.exchange.completed': (e, { trx, log }) => settleExchange(trx, events, log, e),
    'order.exchange.cancelled': async (e, { trx }) => {
      await releaseExchange(trx, events, e);
    },
    'order.exchange.failed': async (e, { trx }) => {
      await releaseFailedExchange(trx, events, e);
    },
    'order.return.inspected': (e, { trx, log }) => restockReturn(trx, events, log, e),
  };
}
