import {
  currentContext,
  jsonb,
  newId,
  publishOptions,
  retryAfter,
  type Selectable,
  sql,
  type Transaction,
  unavailable,
} from '@mp/platform';
import type { Address, Database, OrderEventsTable } from '../db/schema.ts';
import { lineAmount } from './amounts.ts';
import type { Order, OrderContext } from './context.ts';
import type { PricedOrder } from './pricing.ts';
import type { OrderRows } from './view.ts';

type OrderEvent = Selectable<OrderEventsTable>;

export interface NewOrder {
  orderId: string;
  userId: string;
  shippingAddress: Address;
  paymentMethod: 'card' | 'transfer' | 'virtual_account';
  idempotencyKey: string | undefined;
  /** Seconds the buyer has to pay. */
  window: number;
}

/**
 * Commits the order, its items, its first history entry and order.created in one transaction —
 * if its checkout attempt is still there: the sweeper may have given the placement up and
 * released its stock, and then so do we. Returns the rows written: the placement's answer is
 * made of them (`orderViews`), not read back.
 */
export async function commitOrder(
  ctx: OrderContext,
  trx: Transaction<Database>,
  n: NewOrder,
  p: PricedOrder,
): Promise<{ order: Order; rows: OrderRows }> {
  const mine = await trx
    .deleteFrom('checkout_attempts')
    .where('order_id', '=', n.orderId)
    .returning('order_id')
    .executeTakeFirst();
  if (!mine)
    throw unavailable('CHECKOUT_TIMED_OUT', 'Placing the order took too long; try again', {}, retryAfter(1));
  const sellerIds = [...new Set(p.lines.map((l) => l.sellerId))];
  const now = new Date();
  // The order and its first history entry, one statement.
  const { history_seq, history_at, ...o } = await trx
    .with('placed', (db) =>
      db
        .insertInto('orders')
        .values({
          id: n.orderId,
          user_id: n.userId,
          status: 'PENDING_PAYMENT',
          total_amount: p.total,
          discount_amount: p.discount,
          shipping_fee: p.fee,
          payable_amount: p.payable,
          coupon_id: p.coupon?.couponId ?? null,
          user_coupon_id: p.coupon?.userCouponId ?? null,
          coupon_funded_by: p.coupon ? (p.coupon.fundedBy ?? 'ADMIN') : null,
          payment_method: n.paymentMethod,
          shipping_address: jsonb(n.shippingAddress),
          seller_ids: sellerIds,
          idempotency_key: n.idempotencyKey ?? null,
          payment_id: null,
          correlation_id: currentContext()?.correlationId ?? n.orderId,
          payment_due_at: new Date(now.getTime() + n.window * 1000),
          paid_at: null,
          delivered_at: null,
          completed_at: null,
          cancelled_at: null,
          cancel_reason: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll(),
    )
    .with('history', (db) =>
      db
        .insertInto('order_events')
        .columns(['order_id', 'type', 'from_status', 'to_status'])
        .expression((eb) =>
          eb
            .selectFrom('placed')
            .select([
              'placed.id',
              sql<string>`'ORDER_CREATED'::text`.as('type'),
              sql<null>`null::text`.as('from_status'),
              sql<string>`'PENDING_PAYMENT'::text`.as('to_status'),
            ]),
        )
        .returning(['seq', 'at']),
    )
    .selectFrom('placed')
    .crossJoin('history')
    .selectAll('placed')
    .select(['history.seq as history_seq', 'history.at as history_at'])
    .executeTakeFirstOrThrow();
  const items = await trx
    .insertInto('order_items')
    .values(
      p.lines.map((l) => ({
        id: newId(),
        order_id: n.orderId,
        product_id: l.productId,
        sku: l.sku,
        seller_id: l.sellerId,
        name: l.name,
        option_values: jsonb(l.optionValues ?? {}),
        unit_price: l.unitPrice,
        quantity: l.quantity,
        line_amount: lineAmount(l),
        discount_amount: l.discount,
        confirmed_at: null,
      })),
    )
    .returningAll()
    .execute();
  const created: OrderEvent = {
    seq: history_seq,
    order_id: o.id,
    type: 'ORDER_CREATED',
    from_status: null,
    to_status: 'PENDING_PAYMENT',
    source_event_id: null,
    data: null,
    at: history_at,
  };
  const categoryOf = new Map(p.lines.map((l) => [l.sku, l.categoryId]));
  await ctx.events.publish(
    trx,
    'order.created',
    {
      orderId: o.id,
      userId: o.user_id,
      sellerId: sellerIds[0]!,
      items: items.map((i) => ({
        itemId: i.id,
        productId: i.product_id,
        sku: i.sku,
        sellerId: i.seller_id,
        name: i.name,
        quantity: i.quantity,
        price: i.unit_price,
        options: i.option_values,
        discountAmount: i.discount_amount,
        ...(categoryOf.get(i.sku) ? { categoryId: categoryOf.get(i.sku) } : {}),
      })),
      totalAmount: p.total,
      shippingAddress: n.shippingAddress,
      paymentMethod: n.paymentMethod,
      ...(p.coupon
        ? {
            couponId: p.coupon.couponId,
            userCouponId: p.coupon.userCouponId,
            couponIssuer: o.coupon_funded_by ?? 'ADMIN',
            ...(p.coupon.sellerId ? { couponSellerId: p.coupon.sellerId } : {}),
          }
        : {}),
      sellerIds,
      discountAmount: p.discount,
      shippingFee: p.fee,
      sellerShippingFees: p.fees,
      payableAmount: p.payable,
      paymentDueAt: o.payment_due_at.toISOString(),
      createdAt: o.created_at.toISOString(),
    },
    publishOptions('order', o),
  );
  // As `viewOrders` reads them: items by id. A new order has no shipments, refunds or exchanges.
  items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { order: o, rows: { items, shipments: [], events: [created], refunds: [], exchanges: [] } };
}
