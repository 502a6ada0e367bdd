import type { EventHandlers, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { redeemForOrder, restoreForOrder } from '../domain/redemption.ts';

/** order.created redeems the order's coupon; order.cancelled gives it back. */
export function handlers({ events }: ServiceDeps<Database>): EventHandlers<Database> {
  return {
    'order.created': (event, { trx, log }) => redeemForOrder(trx, events, log, event),
    'order.cancelled': (event, { trx }) => restoreForOrder(trx, event),
  };
}
