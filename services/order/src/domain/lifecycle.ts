import { conflict, newId, type Principal, sql, type Transaction, validationFailed } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { refundForLine } from './amounts.ts';
import type { Order, OrderContext } from './context.ts';
import {
  announceCancelled,
  itemsOf,
  linesOf,
  lockOrder,
  lockOwnOrder,
  publishOpts,
  transition,
} from './orders.ts';
import { cancellable, received } from './status.ts';

/**
 * The buyer cancels (flow 4.2 step 1) before any parcel is dispatched: CANCELLED and
 * order.cancelled, on which payment refunds, inventory restocks, coupon restores, shipping stops.
 */
export async function cancelOrder(
  ctx: OrderContext,
  by: Principal,
  id: string,
  reason: string,
): Promise<Order> {
  return ctx.db.transaction().execute(async (trx) => {
    const o = await lockOwnOrder(trx, by, id);
    if (!cancellable.includes(o.status)) throw notCancellable(o);
    const dispatched = await trx
      .selectFrom('order_shipments')
      .select('seller_id')
      .where('order_id', '=', o.id)
      .where('status', 'in', ['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'])
      .executeTakeFirst();
    if (dispatched) throw notCancellable({ ...o, status: 'SHIPPING' });
    const moved = await transition(
      trx,
      o,
      'CANCELLED',
      { type: 'CANCELLED_BY_BUYER', data: { reason, by: by.userId } },
      {
        cancelled_at: new Date(),
        cancel_reason: reason,
      },
    );
    if (!moved) throw notCancellable(o);
    await announceCancelled(ctx, trx, o, reason);
    return moved;
  });
}

const notCancellable = (o: Order) =>
  conflict(
    'ORDER_NOT_CANCELLABLE',
    o.status === 'SHIPPING' || o.status === 'DELIVERED'
      ? 'The order has been dispatched; request a refund once it arrives'
      : `An order that is ${o.status} cannot be cancelled`,
    { status: o.status },
  );

/** Unpaid orders past their payment window are cancelled (PAYMENT_TIMEOUT); their stock is released. */
export async function expireUnpaid(ctx: OrderContext, batch = 100): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('orders')
      .selectAll()
      .where('status', '=', 'PENDING_PAYMENT')
      .where('payment_due_at', '<', new Date())
      .orderBy('payment_due_at')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const o of due) {
      const moved = await transition(
        trx,
        o,
        'CANCELLED',
        { type: 'PAYMENT_TIMEOUT' },
        { cancelled_at: new Date(), cancel_reason: 'PAYMENT_TIMEOUT' },
      );
      if (moved) await announceCancelled(ctx, trx, o, 'PAYMENT_TIMEOUT');
    }
    return due.length;
  });
}

/**
 * 구매확정: the buyer confirms, or it happens by itself N days after delivery. COMPLETED,
 * order.item.confirmed per line still held, order.completed with what the buyer kept.
 */
export async function confirmPurchase(
  ctx: OrderContext,
  trx: Transaction<Database>,
  o: Order,
  automatic: boolean,
): Promise<Order> {
  const moved = await transition(
    trx,
    o,
    'COMPLETED',
    { type: automatic ? 'AUTO_CONFIRMED' : 'CONFIRMED_BY_BUYER' },
    { completed_at: new Date() },
  );
  if (!moved)
    throw conflict('ORDER_NOT_CONFIRMABLE', `An order that is ${o.status} cannot be confirmed`, {
      status: o.status,
    });
  const now = new Date().toISOString();
  const items = await itemsOf(trx, o.id);
  const kept = (i: (typeof items)[number]) => i.quantity - i.refunded_quantity;
  await trx
    .updateTable('order_items')
    .set({ status: 'CONFIRMED', confirmed_at: new Date() })
    .where('order_id', '=', o.id)
    .where(sql<boolean>`quantity > refunded_quantity`)
    .execute();
  for (const line of linesOf(items, kept))
    await ctx.events.publish(
      trx,
      'order.item.confirmed',
      {
        orderId: o.id,
        userId: o.user_id,
        itemId: line.itemId,
        productId: line.productId,
        sku: line.sku,
        sellerId: line.sellerId,
        quantity: line.quantity,
        confirmedAt: now,
      },
      publishOpts(o),
    );
  await ctx.events.publish(
    trx,
    'order.completed',
    {
      orderId: o.id,
      completedAt: now,
      userId: o.user_id,
      payableAmount: o.payable_amount - o.refunded_amount,
      items: linesOf(items, kept),
      automatic,
    },
    publishOpts(o),
  );
  return moved;
}

export async function confirmByBuyer(ctx: OrderContext, by: Principal, id: string): Promise<Order> {
  return ctx.db.transaction().execute(async (trx) => {
    const o = await lockOwnOrder(trx, by, id);
    if (!received.includes(o.status))
      throw conflict('ORDER_NOT_CONFIRMABLE', 'Purchase can be confirmed once the order is delivered', {
        status: o.status,
      });
    return confirmPurchase(ctx, trx, o, false);
  });
}

/** Orders delivered N days ago and not confirmed are confirmed by themselves. */
export async function autoConfirm(ctx: OrderContext, batch = 100): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('orders')
      .selectAll()
      .where('status', 'in', [...received])
      .where('delivered_at', '<', new Date(Date.now() - ctx.rules.autoConfirmDays * 86_400_000))
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const o of due) await confirmPurchase(ctx, trx, o, true);
    return due.length;
  });
}

/**
 * 환불요청 after delivery, of the whole order or some items: the amount is each line's net
 * amount (after its coupon share) for the units returned; the request that returns everything
 * left also returns the shipping fee, so the refunds add up to exactly what was paid.
 */
export async function requestRefund(
  ctx: OrderContext,
  by: Principal,
  id: string,
  input: { reason: string; items?: { itemId: string; quantity?: number | undefined }[] | undefined },
) {
  return ctx.db.transaction().execute(async (trx) => {
    const o = await lockOwnOrder(trx, by, id);
    if (!received.includes(o.status))
      throw conflict(
        'REFUND_NOT_ALLOWED',
        'A refund can be requested once the order is delivered and before purchase is confirmed',
        {
          status: o.status,
        },
      );
    const items = await itemsOf(trx, o.id);
    const left = (i: (typeof items)[number]) => i.quantity - i.refunded_quantity;
    const wanted = input.items?.length
      ? input.items.map((w, n) => {
          const item = items.find((i) => i.id === w.itemId);
          if (!item)
            throw validationFailed([{ path: `items.${n}.itemId`, message: 'not an item of this order' }]);
          const quantity = w.quantity ?? left(item);
          if (quantity < 1 || quantity > left(item))
            throw validationFailed([{ path: `items.${n}.quantity`, message: `between 1 and ${left(item)}` }]);
          return { item, quantity };
        })
      : items.filter((i) => left(i) > 0).map((item) => ({ item, quantity: left(item) }));
    if (!wanted.length) throw conflict('REFUND_NOT_ALLOWED', 'Nothing is left to refund');
    if (new Set(wanted.map((w) => w.item.id)).size !== wanted.length)
      throw validationFailed([{ path: 'items', message: 'each item once' }]);
    const lines = wanted.map(({ item, quantity }) => ({
      itemId: item.id,
      sellerId: item.seller_id,
      quantity,
      amount: refundForLine(
        {
          quantity: item.quantity,
          refundedQuantity: item.refunded_quantity,
          netAmount: item.line_amount - item.discount_amount,
          refundedAmount: item.refunded_amount,
        },
        quantity,
      ),
    }));
    const everything = items.every(
      (i) => left(i) === (wanted.find((w) => w.item.id === i.id)?.quantity ?? 0),
    );
    const amount = everything
      ? o.payable_amount - o.refunded_amount
      : lines.reduce((s, l) => s + l.amount, 0);
    const requestId = newId();
    const moved = await transition(trx, o, 'REFUND_REQUESTED', {
      type: 'REFUND_REQUESTED',
      data: { refundRequestId: requestId, reason: input.reason, amount },
    });
    if (!moved) throw conflict('REFUND_NOT_ALLOWED', 'A refund request is already open');
    const request = await trx
      .insertInto('refund_requests')
      .values({
        id: requestId,
        order_id: o.id,
        user_id: o.user_id,
        reason: input.reason,
        amount,
        items: JSON.stringify(lines) as never,
        status: 'REQUESTED',
        refund_id: null,
        completed_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('order_items')
      .set({ status: 'REFUND_REQUESTED' })
      .where(
        'id',
        'in',
        lines.map((l) => l.itemId),
      )
      .execute();
    await ctx.events.publish(
      trx,
      'order.refund.requested',
      {
        orderId: o.id,
        userId: o.user_id,
        refundRequestId: requestId,
        reason: input.reason,
        amount,
        items: lines,
        requestedAt: request.requested_at.toISOString(),
      },
      publishOpts(o),
    );
    return { order: moved, request };
  });
}

export { lockOrder };
