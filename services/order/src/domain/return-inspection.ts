import { conflict, jsonb, notFound, type Principal, publishOptions, validationFailed } from '@mp/platform';
import type { Inspection } from '../db/schema.ts';
import type { Order, OrderContext } from './context.ts';
import { itemsOf, note, transition } from './orders.ts';

import { completeReturn, lockReturn, type Return } from './returns.ts';

export interface InspectionInput {
  result: 'ACCEPTED' | 'REJECTED';
  reason?: string | undefined;
  photoFileIds?: string[] | undefined;
  lines?: { itemId: string; condition: 'RESELLABLE' | 'DAMAGED' }[] | undefined;
}

/**
 * 검수 (inspection) of a returned parcel. The return's seller decides once it is RECEIVED; an admin
 * also settles a PICKUP_FAILED return and may overturn a seller's rejection (a dispute). Accepting
 * queues the refund of the lines less the return shipping fee (the buyer's change of mind: the
 * policy's fee; the seller's fault: none) and tells inventory per line to restock or write off.
 * Rejecting gives the order back its delivered status; nothing is refunded. The return's row is
 * locked under the order's lock, and only its status of the moment moves it: a second inspection,
 * however concurrent, is a 409 and changes nothing.
 */
export async function inspectReturn(
  ctx: OrderContext,
  by: Principal,
  orderId: string,
  returnId: string,
  input: InspectionInput,
) {
  return ctx.db.transaction().execute(async (trx) => {
    const { o, r } = await lockReturn(trx, orderId, returnId);
    const admin = by.role === 'admin';
    if (!o || !r || (!admin && r.seller_id !== by.userId))
      throw notFound('REFUND_REQUEST_NOT_FOUND', 'No such return');
    const from = r.status;
    const allowed = admin
      ? from === 'RECEIVED' ||
        from === 'PICKUP_FAILED' ||
        (from === 'REJECTED' && input.result === 'ACCEPTED')
      : from === 'RECEIVED';
    if (!allowed)
      throw conflict(
        'RETURN_NOT_INSPECTABLE',
        from === 'REQUESTED'
          ? 'The returned parcel has not reached the seller yet'
          : `A return that is ${from} cannot be inspected${admin ? '' : ' by the seller'}`,
        { status: from },
      );
    const items = await itemsOf(trx, o.id);
    const lines = r.items.map((l, n) => {
      const item = items.find((i) => i.id === l.itemId)!;
      const wanted = input.lines?.find((x) => x.itemId === l.itemId);
      return {
        n,
        itemId: l.itemId,
        productId: item.product_id,
        sku: item.sku,
        quantity: l.quantity,
        condition: wanted?.condition ?? ('RESELLABLE' as const),
      };
    });
    const stray = input.lines?.findIndex((x) => !r.items.some((l) => l.itemId === x.itemId)) ?? -1;
    if (stray >= 0) throw invalid(`lines.${stray}.itemId`, 'not an item of this return');
    if (input.result === 'REJECTED') {
      if (!input.reason) throw invalid('reason', 'required to reject a return');
      if (!admin && !input.photoFileIds?.length)
        throw invalid('photoFileIds', 'a rejection shows what was found (at least one photo)');
    }
    const now = new Date();
    const verdict: Inspection = {
      result: input.result,
      reason: input.reason ?? null,
      photoFileIds: input.photoFileIds ?? [],
      lines: lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, condition: l.condition })),
      by: by.userId,
      role: admin ? 'ADMIN' : 'SELLER',
      at: now.toISOString(),
      ...(r.inspection ? { overturned: withoutHistory(r.inspection) } : {}),
    };
    const accepted = input.result === 'ACCEPTED';
    const fee =
      accepted && r.return_reason === 'CHANGE_OF_MIND' ? Math.min(ctx.rules.returnShippingFee, r.amount) : 0;
    const moved = await trx
      .updateTable('refund_requests')
      .set({
        status: input.result,
        inspection: jsonb(verdict),
        inspected_at: now,
        return_shipping_fee: fee,
        refund_amount: accepted ? r.amount - fee : null,
      })
      .where('id', '=', r.id)
      .where('status', '=', from)
      .returningAll()
      .executeTakeFirst();
    if (!moved) throw conflict('RETURN_NOT_INSPECTABLE', 'The return was inspected meanwhile');
    const lineIds = r.items.map((l) => l.itemId);
    let order: Order = o;
    if (accepted && from === 'REJECTED') {
      // An admin overturns a rejection: the order is under return again, its lines with it.
      const open = await trx
        .selectFrom('refund_requests')
        .select('id')
        .where('order_id', '=', o.id)
        .where('id', '!=', r.id)
        .where('status', 'in', ['REQUESTED', 'PICKUP_FAILED', 'RECEIVED', 'ACCEPTED'])
        .executeTakeFirst();
      const reopened = open
        ? undefined
        : await transition(trx, o, 'REFUND_REQUESTED', {
            type: 'RETURN_REJECTION_OVERTURNED',
            data: { refundRequestId: r.id, by: by.userId },
          });
      if (!reopened)
        throw conflict(
          'RETURN_NOT_INSPECTABLE',
          'The order has moved on (confirmed, or another return is open)',
          {
            status: o.status,
          },
        );
      order = reopened;
      await trx
        .updateTable('order_items')
        .set({ status: 'REFUND_REQUESTED' })
        .where('id', 'in', lineIds)
        .execute();
    }
    const data = {
      refundRequestId: r.id,
      result: input.result,
      reason: input.reason ?? null,
      returnShippingFee: fee,
      refundAmount: accepted ? r.amount - fee : 0,
      by: verdict.role,
    };
    if (accepted) await note(trx, o.id, { type: 'RETURN_ACCEPTED', data });
    else {
      await trx
        .updateTable('order_items')
        .set({ status: 'ORDERED' })
        .where('id', 'in', lineIds)
        .where('status', '=', 'REFUND_REQUESTED')
        .execute();
      const back = o.refunded_amount > 0 ? 'PARTIALLY_REFUNDED' : 'DELIVERED';
      order = (await transition(trx, o, back, { type: 'RETURN_REJECTED', data })) ?? o;
      if (order === o) await note(trx, o.id, { type: 'RETURN_REJECTED', data });
    }
    await ctx.events.publish(
      trx,
      'order.return.inspected',
      {
        orderId: o.id,
        userId: o.user_id,
        sellerId: r.seller_id ?? r.items[0]!.sellerId,
        refundRequestId: r.id,
        result: input.result,
        returnReason: r.return_reason,
        reason: input.reason ?? null,
        photoFileIds: verdict.photoFileIds,
        lines: lines.map(({ n: _n, ...l }) => l),
        amount: r.amount,
        returnShippingFee: fee,
        refundAmount: accepted ? r.amount - fee : 0,
        inspectedBy: verdict.role,
        inspectedAt: now.toISOString(),
      },
      publishOptions('order', o),
    );
    // Nothing left to pay back (the fee took it all): the return completes here.
    if (accepted && r.amount - fee === 0)
      order = await completeReturn(ctx, trx, order, moved as Return, { refundId: r.id, amount: 0 });
    return { order, request: moved };
  });
}

const withoutHistory = ({ overturned: _, ...v }: Inspection) => v;

const invalid = (path: string, message: string) => validationFailed([{ path, message }]);
