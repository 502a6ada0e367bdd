import type { EventHandlers } from '@mp/platform';
import type { Deps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import {
  collectOrder,
  recordCompletion,
  recordDelivery,
  recordPayment,
  recordRefund,
  recordStore,
} from '../domain/collect.ts';

/** One handler per topic the catalog subscribes settlement to; all writes go through the kit's transaction. */
export function handlers(_deps: Deps): EventHandlers<Database> {
  return {
    'order.created': (e, { trx }) => collectOrder(trx, e.data),
    'payment.completed': (e, { trx }) => recordPayment(trx, e.data),
    'shipping.delivered': (e, { trx }) => recordDelivery(trx, e.data),
    'order.completed': (e, { trx }) => recordCompletion(trx, e.data),
    'order.refund.completed': (e, { trx }) => recordRefund(trx, e.data),
    'seller.created': (e, { trx }) => recordStore(trx, e.data.sellerId, e.data.storeName, e.data.createdAt),
    'store.updated': (e, { trx }) => recordStore(trx, e.data.sellerId, e.data.storeName, e.data.updatedAt),
  };
}
