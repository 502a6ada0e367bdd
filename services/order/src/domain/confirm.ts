import { conflict, type Principal, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { Order, OrderContext } from './context.ts';
import { openStatuses } from './exchange-state.ts';
import { itemsOf, linesOf, lockOwnOrder, transition } from './orders.ts';
import { received } from './status.ts';

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
      publishOptions('order', o),
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
    publishOptions('order', o),
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
    const open = await trx
      .selectFrom('exchanges')
      .select('id')
      .where('order_id', '=', o.id)
      .where('status', 'in', [...openStatuses])
      .executeTakeFirst();
    if (open)
      throw conflict('EXCHANGE_OPEN', 'Purchase can be confirmed once the exchange is done', {
        exchangeId: open.id,
      });
    return confirmPurchase(ctx, trx, o, false);
  });
}

/**
 * Orders delivered N days ago and not confirmed are confirmed by themselves — not while an exchange
 * is under way, and not before N days after the last exchange was completed (the new items arrived).
 */
export async function autoConfirm(ctx: OrderContext, batch = 100): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const since = new Date(Date.now() - ctx.rules.autoConfirmDays * 86_400_000);
    const due = await trx
      .selectFrom('orders')
      .selectAll()
      .where('status', 'in', [...received])
      .where('delivered_at', '<', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('exchanges')
              .select('exchanges.id')
              .whereRef('exchanges.order_id', '=', 'orders.id')
              .where((eb) =>
                eb.or([
                  eb('exchanges.status', 'in', [...openStatuses]),
                  eb('exchanges.completed_at', '>=', since),
                ]),
              ),
          ),
        ),
      )
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const o of due) await confirmPurchase(ctx, trx, o, true);
    return due.length;
  });
}
