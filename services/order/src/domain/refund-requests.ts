import type { EventData } from '@mp/contracts';
import { conflict, jsonb, newId, type Principal, publishOptions, sql, validationFailed } from '@mp/platform';
import type { ReturnReason } from '../db/schema.ts';
import { refundForLine } from './amounts.ts';
import type { OrderContext } from './context.ts';
import { held, openStatuses } from './exchange-state.ts';
import { itemsOf, lockOwnOrder, transition } from './orders.ts';
import { received } from './status.ts';

export type RefundReceiveAccount = NonNullable<EventData<'order.refund.requested'>['refundReceiveAccount']>;

/**
 * 반품 (a refund request after delivery) of one seller's lines, whole or some units: the amount is
 * each line's net amount (after its coupon share) for the units returned; the request that returns
 * everything left also returns the order's shipping fee (less the return fees kept before), so the
 * refunds never exceed what was paid. Nothing is refunded yet: shipping books the pickup, and the
 * seller's inspection decides (returns.ts). A virtual-account order needs the buyer's refund account.
 */
export async function requestRefund(
  ctx: OrderContext,
  by: Principal,
  id: string,
  input: {
    reason: string;
    returnReason?: ReturnReason | undefined;
    refundReceiveAccount?: RefundReceiveAccount | undefined;
    items?: { itemId: string; quantity?: number | undefined }[] | undefined;
  },
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
    const sellerIds = new Set(wanted.map((w) => w.item.seller_id));
    if (sellerIds.size > 1)
      throw validationFailed([
        {
          path: 'items',
          message: "one seller's items per return (each seller collects and inspects its own)",
        },
      ]);
    if (o.payment_method === 'virtual_account' && !input.refundReceiveAccount)
      throw validationFailed([
        {
          path: 'refundReceiveAccount',
          message: 'required for a virtual-account order (where the refund goes)',
        },
      ]);
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
    // Return fees kept by earlier returns were never refunded, and are not owed back now.
    const kept = await trx
      .selectFrom('refund_requests')
      .select(sql<string>`coalesce(sum(return_shipping_fee), 0)`.as('fees'))
      .where('order_id', '=', o.id)
      .where('status', '=', 'COMPLETED')
      .executeTakeFirstOrThrow();
    const amount = everything
      ? o.payable_amount - o.refunded_amount - Number(kept.fees)
      : lines.reduce((s, l) => s + l.amount, 0);
    const sellerId = wanted[0]!.item.seller_id;
    const returnReason = input.returnReason ?? 'CHANGE_OF_MIND';
    const requestId = newId();
    const moved = await transition(trx, o, 'REFUND_REQUESTED', {
      type: 'REFUND_REQUESTED',
      data: { refundRequestId: requestId, reason: input.reason, returnReason, amount, sellerId },
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
        seller_id: sellerId,
        return_reason: returnReason,
        return_shipment_id: null,
        refund_amount: null,
        inspection: null,
        pickup_failure: null,
        received_at: null,
        inspected_at: null,
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
        returnReason,
        sellerId,
        ...(input.refundReceiveAccount ? { refundReceiveAccount: input.refundReceiveAccount } : {}),
      },
      publishOptions('order', o),
    );
    return { order: moved, request };
  });
}
