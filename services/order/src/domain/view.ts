import { type Principal, type Selectable, sql } from '@mp/platform';
import type { OrderEventsTable, OrderShipmentsTable, RefundRequestsTable } from '../db/schema.ts';
import type { Db, Order, OrderItem } from './context.ts';
import type { Exchange } from './exchange-state.ts';

/** An exchange as the order shows it (its history is in the order's `events`, EXCHANGE_*). */
export const exchangeView = (x: Exchange) => ({
  id: x.id,
  sellerId: x.seller_id,
  status: x.status,
  reason: x.reason,
  items: x.items,
  pickup: x.pickup_shipment_id ? { shipmentId: x.pickup_shipment_id, status: x.pickup_status! } : null,
  delivery: x.delivery_shipment_id
    ? { shipmentId: x.delivery_shipment_id, status: x.delivery_status! }
    : null,
  closeReason: x.close_reason,
  requestedAt: x.requested_at.toISOString(),
  completedAt: x.completed_at?.toISOString() ?? null,
  closedAt: x.closed_at?.toISOString() ?? null,
});

/** The rows an order's view is made of, besides the order itself (any orders': each takes its own). */
export interface OrderRows {
  items: OrderItem[];
  shipments: Selectable<OrderShipmentsTable>[];
  events: Selectable<OrderEventsTable>[];
  refunds: Selectable<RefundRequestsTable>[];
  exchanges: Exchange[];
}

/**
 * The order as the contract shows it, with its items, shipments, refund requests, exchanges and `history`
 * (its status transitions from OrderEvents, oldest first). A seller sees its own items only.
 */
export async function viewOrders(db: Db, orders: Order[], viewer?: Principal) {
  if (!orders.length) return [];
  const ids = orders.map((o) => o.id);
  const [items, shipments, events, refunds, exchanges] = await Promise.all([
    db.selectFrom('order_items').selectAll().where('order_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('order_shipments').selectAll().where('order_id', 'in', ids).execute(),
    db.selectFrom('order_events').selectAll().where('order_id', 'in', ids).orderBy('seq').execute(),
    db
      .selectFrom('refund_requests')
      .selectAll()
      .where('order_id', 'in', ids)
      .orderBy('requested_at')
      .orderBy(sql`split_from is not null`) // a return's rejected part (split off at its inspection) after it
      .execute(),
    db.selectFrom('exchanges').selectAll().where('order_id', 'in', ids).orderBy('requested_at').execute(),
  ]);
  return orderViews(orders, { items, shipments, events, refunds, exchanges }, viewer);
}

/**
 * `viewOrders` from rows the caller already holds (in the orders above: items by id, events by
 * seq, refund requests and exchanges by request time), e.g. those a placement has just committed.
 */
export function orderViews(orders: Order[], rows: OrderRows, viewer?: Principal) {
  const { items, shipments, events, refunds, exchanges } = rows;
  const sellerOnly = viewer?.role === 'seller';
  return orders.map((o) => {
    const own = <T extends { order_id: string; seller_id?: string }>(rows: T[]) =>
      rows.filter(
        (r) =>
          r.order_id === o.id &&
          (!sellerOnly || o.user_id === viewer.userId || r.seller_id === viewer.userId),
      );
    const log = events.filter((e) => e.order_id === o.id);
    return {
      id: o.id,
      userId: o.user_id,
      status: o.status,
      totalAmount: o.total_amount,
      discountAmount: o.discount_amount,
      shippingFee: o.shipping_fee,
      payableAmount: o.payable_amount,
      refundedAmount: o.refunded_amount,
      couponId: o.coupon_id,
      paymentMethod: o.payment_method,
      paymentId: o.payment_id,
      shippingAddress: o.shipping_address,
      sellerIds: o.seller_ids,
      paymentDueAt: o.payment_due_at.toISOString(),
      items: own(items).map((i) => ({
        id: i.id,
        productId: i.product_id,
        sku: i.sku,
        sellerId: i.seller_id,
        name: i.name,
        optionValues: i.option_values,
        unitPrice: i.unit_price,
        quantity: i.quantity,
        lineAmount: i.line_amount,
        discountAmount: i.discount_amount,
        refundedQuantity: i.refunded_quantity,
        refundedAmount: i.refunded_amount,
        status: i.status,
      })),
      shipments: own(shipments).map((s) => ({
        sellerId: s.seller_id,
        shipmentId: s.shipment_id,
        status: s.status,
      })),
      refundRequests: refunds
        .filter((r) => r.order_id === o.id)
        .flatMap((r) => {
          // A seller sees the requests that hold its lines, with those lines only (and their sum).
          const seesAll = !sellerOnly || o.user_id === viewer.userId;
          const lines = seesAll ? r.items : r.items.filter((l) => l.sellerId === viewer.userId);
          if (!lines.length) return [];
          return [{ r, lines, amount: seesAll ? r.amount : lines.reduce((sum, l) => sum + l.amount, 0) }];
        })
        .map(({ r, lines, amount }) => ({
          id: r.id,
          reason: r.reason,
          amount,
          items: lines,
          status: r.status,
          returnReason: r.return_reason,
          sellerId: r.seller_id,
          returnShipmentId: r.return_shipment_id,
          returnShippingFee: Number(r.return_shipping_fee),
          refundAmount: r.refund_amount === null ? null : Number(r.refund_amount),
          pickupFailure: r.pickup_failure,
          splitFrom: r.split_from,
          inspection: r.inspection ? { ...r.inspection, overturned: undefined } : null,
          requestedAt: r.requested_at.toISOString(),
          receivedAt: r.received_at?.toISOString() ?? null,
          inspectedAt: r.inspected_at?.toISOString() ?? null,
          completedAt: r.completed_at?.toISOString() ?? null,
        })),
      exchanges: own(exchanges).map(exchangeView),
      history: log
        .filter((e) => e.to_status)
        .map((e) => ({ status: e.to_status!, at: e.at.toISOString(), event: e.type })),
      events: log.map((e) => ({
        type: e.type,
        from: e.from_status,
        to: e.to_status,
        at: e.at.toISOString(),
        data: e.data ?? null,
      })),
      createdAt: o.created_at.toISOString(),
      updatedAt: o.updated_at.toISOString(),
      paidAt: o.paid_at?.toISOString() ?? null,
      deliveredAt: o.delivered_at?.toISOString() ?? null,
      completedAt: o.completed_at?.toISOString() ?? null,
      cancelledAt: o.cancelled_at?.toISOString() ?? null,
      cancelReason: o.cancel_reason,
    };
  });
}
