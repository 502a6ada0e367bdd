import type { EventHandlers, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { countCouponUse, countLogin, countProduct } from '../domain/activity.ts';
import {
  countCancellation,
  countCompletion,
  countOrder,
  countPayment,
  countRefund,
} from '../domain/sales.ts';
import { countSignup } from '../domain/signups.ts';

/** One handler per topic the catalog subscribes stats to; every write goes through the kit's transaction. */
export function handlers(_deps: ServiceDeps<Database>): EventHandlers<Database> {
  return {
    'user.created': (e, { trx }) => countSignup(trx, e.data.createdAt, e.data.role),
    'auth.user.login': (e, { trx }) => countLogin(trx, e.data),
    'product.created': (e, { trx }) => countProduct(trx, e.data),
    'order.created': (e, { trx }) => countOrder(trx, e.data),
    'payment.completed': (e, { trx }) => countPayment(trx, e.data),
    'order.cancelled': (e, { trx }) => countCancellation(trx, e.data),
    'order.completed': (e, { trx }) => countCompletion(trx, e.data),
    'order.refund.completed': (e, { trx }) => countRefund(trx, e.data),
    'coupon.used': (e, { trx }) => countCouponUse(trx, e.data),
  };
}
