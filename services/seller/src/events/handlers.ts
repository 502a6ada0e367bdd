import type { EventHandlers } from '@mp/platform';
import type { SellerDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { queueGradeReview, queuingGradeReview } from '../domain/grades.ts';
import { reopenWithAccount, suspend } from '../domain/standing.ts';

/**
 * The dashboard's facts, one row per event, each written once and in whatever order the events
 * arrive (an order's payment may come before the order; a dispatch before its request).
 */
export function handlers(deps: SellerDeps): EventHandlers<Database> {
  return {
    'order.created': async (e, { trx }) => {
      const shares = new Map<string, { amount: number; items: number }>();
      for (const i of e.data.items) {
        const s = shares.get(i.sellerId) ?? { amount: 0, items: 0 };
        s.amount += i.price * i.quantity;
        s.items += i.quantity;
        shares.set(i.sellerId, s);
      }
      // A payment that arrived first now counts for these sellers: the review is queued with the rows.
      if (!shares.size) return void (await queueGradeReview(trx, e.data.orderId));
      await queuingGradeReview(trx, e.data.orderId)
        .insertInto('seller_orders')
        .values(
          [...shares].map(([sellerId, s]) => ({
            order_id: e.data.orderId,
            seller_id: sellerId,
            amount: s.amount,
            item_count: s.items,
            ordered_at: new Date(e.data.createdAt),
          })),
        )
        .onConflict((oc) => oc.columns(['order_id', 'seller_id']).doNothing())
        .execute();
    },
    'order.cancelled': async (e, { trx }) => {
      await queuingGradeReview(trx, e.data.orderId)
        .insertInto('order_cancellations')
        .values({ order_id: e.data.orderId, cancelled_at: new Date(e.data.cancelledAt) })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .execute();
    },
    'payment.completed': async (e, { trx }) => {
      await queuingGradeReview(trx, e.data.orderId)
        .insertInto('order_payments')
        .values({ order_id: e.data.orderId, paid_at: new Date(e.data.paidAt) })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .execute();
    },
    'shipping.requested': async (e, { trx }) => {
      const d = e.data;
      await trx
        .insertInto('seller_shipments')
        .values({
          shipment_id: d.shipmentId,
          seller_id: d.sellerId,
          order_id: d.orderId,
          requested_at: new Date(d.requestedAt),
          dispatched_at: null,
        })
        .onConflict((oc) =>
          oc
            .column('shipment_id')
            .doUpdateSet({ seller_id: d.sellerId, requested_at: new Date(d.requestedAt) }),
        )
        .execute();
    },
    'shipping.dispatched': async (e, { trx }) => {
      const d = e.data;
      await trx
        .insertInto('seller_shipments')
        .values({
          shipment_id: d.shipmentId,
          seller_id: d.sellerId ?? null,
          order_id: d.orderId,
          requested_at: null,
          dispatched_at: new Date(d.dispatchedAt),
        })
        .onConflict((oc) => oc.column('shipment_id').doUpdateSet({ dispatched_at: new Date(d.dispatchedAt) }))
        .execute();
    },
    'settlement.completed': async (e, { trx }) => {
      const d = e.data;
      await trx
        .insertInto('seller_settlements')
        .values({
          settlement_id: d.settlementId,
          seller_id: d.sellerId,
          gross_amount: d.grossAmount,
          net_amount: d.netAmount,
          period_start: new Date(d.periodStart),
          period_end: new Date(d.periodEnd),
          completed_at: new Date(d.completedAt),
        })
        .onConflict((oc) => oc.column('settlement_id').doNothing())
        .execute();
    },
    'admin.user.suspended': async (e, { trx }) => {
      // A suspended account's store stops selling too (no store: nothing to do).
      await suspend(trx, deps.events, e.data.userId, `계정 정지: ${e.data.reason}`, { withAccount: true });
    },
    'user.updated': async (e, { trx }) => {
      // The account restored: the store its suspension closed reopens.
      if (e.data.status === 'ACTIVE' && e.data.changes.includes('status'))
        await reopenWithAccount(trx, deps.events, e.data.userId);
    },
  };
}
