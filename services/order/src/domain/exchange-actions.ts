import { conflict, notFound, type Principal, publishOptions } from '@mp/platform';
import type { OrderContext } from './context.ts';
import { canMoveExchange } from './exchange-state.ts';
import { lockOrder, note } from './orders.ts';

/**
 * 교환거부 (the seller of the exchanged items, or an admin) or 교환철회 (the buyer, or an admin),
 * only while nothing is dispatched: the exchange closes, order.exchange.cancelled releases the new
 * SKU's reservation and cancels both legs. Anyone else's exchange is not found.
 */
export async function closeExchange(
  ctx: OrderContext,
  by: Principal,
  orderId: string,
  exchangeId: string,
  to: 'REJECTED' | 'CANCELLED',
  reason: string,
) {
  return ctx.db.transaction().execute(async (trx) => {
    const o = await lockOrder(trx, orderId);
    const x = o
      ? await trx
          .selectFrom('exchanges')
          .selectAll()
          .where('id', '=', exchangeId)
          .where('order_id', '=', o.id)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    const party = to === 'REJECTED' ? x?.seller_id : o?.user_id;
    if (!o || !x || (by.role !== 'admin' && party !== by.userId))
      throw notFound('EXCHANGE_NOT_FOUND', 'No such exchange');
    if (!canMoveExchange(x.status, to))
      throw conflict(
        'EXCHANGE_NOT_CLOSABLE',
        `An exchange that is ${x.status} can no longer be ${to === 'REJECTED' ? 'rejected' : 'withdrawn'}`,
        { status: x.status },
      );
    const now = new Date();
    const closed = await trx
      .updateTable('exchanges')
      .set({ status: to, close_reason: reason, closed_at: now, updated_at: now })
      .where('id', '=', x.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await note(trx, o.id, { type: `EXCHANGE_${to}`, data: { exchangeId: x.id, reason } });
    await ctx.events.publish(
      trx,
      'order.exchange.cancelled',
      {
        orderId: o.id,
        exchangeId: x.id,
        userId: o.user_id,
        sellerId: x.seller_id,
        status: to,
        reason,
        cancelledAt: now.toISOString(),
      },
      publishOptions('order', o),
    );
    return { order: o, exchange: closed };
  });
}
