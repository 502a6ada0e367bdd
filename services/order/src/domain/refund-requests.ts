import { conflict, jsonb, newId, type Principal, validationFailed } from '@mp/platform';
import { refundForLine } from './amounts.ts';
import type { OrderContext } from './context.ts';
import { held, openStatuses } from './exchange-state.ts';
import { itemsOf, lockOwnOrder, publishOpts, transition } from './orders.ts';
import { received } from './status.ts';

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
    // Units on their way back in an exchange (교환 진행중) are not the buyer's to refund.
    const exchanges = await trx
      .selectFrom('exchanges')
      .select(['status', 'items'])
      .where('order_id', '=', o.id)
      .where('status', 'in', [...openStatuses])
      .execute();
    const left = (i: (typeof items)[number]) => i.quantity - i.refunded_quantity - held(i.id, exchanges);
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
    const everything =
      !exchanges.length &&
      items.every((i) => left(i) === (wanted.find((w) => w.item.id === i.id)?.quantity ?? 0));
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
        items: jsonb(lines),
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
