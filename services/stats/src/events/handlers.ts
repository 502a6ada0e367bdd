import type { EventHandlers } from '@mp/platform';
import type { Deps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { countCouponUse, countLogin, countProduct } from '../domain/activity.ts';
import {
  countBreakdowns,
  countMember,
  forgetProduct,
  keepProduct,
  memberKinds,
} from '../domain/breakdowns.ts';
import {
  countCancellation,
  countCompletion,
  countOrder,
  countPayment,
  countRefund,
} from '../domain/sales.ts';
import { countSignup } from '../domain/signups.ts';
import { countedHandler } from '../domain/tally.ts';
import { countView } from '../domain/views.ts';

/** One handler per topic the catalog subscribes stats to; every write goes through the kit's transaction. */
export function handlers(deps: Deps): EventHandlers<Database> {
  const clicks = { name: deps.config.CLICK_EVENTS_STORE, ttlDays: deps.config.CLICK_EVENTS_TTL_DAYS };
  return {
    'product.viewed': (e, { trx }) => countView(trx, deps.dapr, clicks, e.eventId, e.data),
    'user.created': (e, { trx }) => countSignup(trx, e.data.createdAt, e.data.role),
    'auth.user.login': (e, { trx }) => countLogin(trx, e.data),
    'user.updated': (e, { trx }) => countMember(trx, e.data.updatedAt, memberKinds(e.data)),
    'user.deleted': (e, { trx }) => countMember(trx, e.data.deletedAt, ['deleted']),
    'product.created': async (e, { trx }) => {
      await countProduct(trx, e.data);
      await keepProduct(trx, e.data);
    },
    'product.updated': (e, { trx }) => keepProduct(trx, e.data),
    'product.deleted': (e, { trx }) => forgetProduct(trx, e.data),
    // The day counters (hot rows: the platform's and a big seller's) are written last, in one
    // statement for the delivery's events.
    'order.created': countedHandler(async (trx, e) => {
      await countOrder(trx, e.data);
      await countBreakdowns(trx, e.data);
    }),
    'payment.completed': countedHandler((trx, e) => countPayment(trx, e.data)),
    'order.cancelled': countedHandler((trx, e) => countCancellation(trx, e.data)),
    'order.completed': countedHandler((trx, e) => countCompletion(trx, e.data)),
    'order.refund.completed': countedHandler((trx, e) => countRefund(trx, e.data)),
    'coupon.used': (e, { trx }) => countCouponUse(trx, e.data),
  };
}
