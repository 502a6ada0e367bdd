import type { EventOf } from '@mp/contracts';
import {
  conflict,
  notFound,
  PermanentEventError,
  type Principal,
  type Selectable,
  type Transaction,
  validationFailed,
} from '@mp/platform';
import type { Database, Inspection, RefundRequestsTable } from '../db/schema.ts';
import type { Order, OrderContext } from './context.ts';
import { itemsOf, lockOrder, note, publishOpts, transition } from './orders.ts';

export type Return = Selectable<RefundRequestsTable>;

async function lockReturn(trx: Transaction<Database>, orderId: string, returnId: string) {
  // The order's lock first, as every writer of an order does.
  const o = await lockOrder(trx, orderId);
  const r = o
    ? ((await trx
        .selectFrom('refund_requests')
        .selectAll()
        .where('id', '=', returnId)
        .where('order_id', '=', o.id)
        .forUpdate()
        .executeTakeFirst()) as Return | undefined)
    : undefined;
  return { o, r };
}

const updateReturn = (trx: Transaction<Database>, r: Return, set: Partial<Return>) =>
  trx
    .updateTable('refund_requests')
    .set(set as never)
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow() as Promise<Return>;

/** shipping.return.requested: the pickup (반품 회수) is booked; the return remembers its parcel. */
export async function onReturnBooked(trx: Transaction<Database>, e: EventOf<'shipping.return.requested'>) {
  const o = await lockOrder(trx, e.data.orderId);
  if (!o) return;
  if (e.data.refundRequestId)
    await trx
      .updateTable('refund_requests')
      .set({ return_shipment_id: e.data.returnShipmentId })
      .where('id', '=', e.data.refundRequestId)
      .where('order_id', '=', o.id)
      .execute();
  await note(trx, o.id, {
    type: 'RETURN_REQUESTED',
    sourceEventId: e.eventId,
    data: {
      shipmentId: e.data.shipmentId,
      returnShipmentId: e.data.returnShipmentId,
      reason: e.data.reason,
    },
  });
}

/** shipping.return.received / failed: the parcel is back with the seller (inspection opens), or the carrier could not collect it. */
export async function onReturnLeg(
  trx: Transaction<Database>,
  e: EventOf<'shipping.return.received'> | EventOf<'shipping.return.failed'>,
) {
  const { o, r } = await lockReturn(trx, e.data.orderId, e.data.refundRequestId);
  if (!o || !r) throw new PermanentEventError(`${e.eventType} for unknown return ${e.data.refundRequestId}`);
  const received = e.eventType === 'shipping.return.received';
  const entry = {
    sourceEventId: e.eventId,
    data: { refundRequestId: r.id, returnShipmentId: e.data.returnShipmentId },
  };
  // Only a return still on its way moves: a late or repeated event is a note.
  if (r.status !== 'REQUESTED')
    return note(trx, o.id, { type: received ? 'RETURN_RECEIVED_LATE' : 'RETURN_FAILED_LATE', ...entry });
  if (e.eventType === 'shipping.return.received') {
    await updateReturn(trx, r, { status: 'RECEIVED', received_at: new Date(e.data.receivedAt) });
    return note(trx, o.id, { type: 'RETURN_RECEIVED', ...entry });
  }
  await updateReturn(trx, r, { status: 'PICKUP_FAILED', pickup_failure: e.data.reason });
  return note(trx, o.id, {
    type: 'RETURN_PICKUP_FAILED',
    ...entry,
    data: { ...entry.data, reason: e.data.reason },
  });
}

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
        inspection: JSON.stringify(verdict) as never,
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
      publishOpts(o),
    );
    // Nothing left to pay back (the fee took it all): the return completes here.
    if (accepted && r.amount - fee === 0)
      order = await completeReturn(ctx, trx, order, moved as Return, { refundId: r.id, amount: 0 });
    return { order, request: moved };
  });
}

const withoutHistory = ({ overturned: _, ...v }: Inspection) => v;

const invalid = (path: string, message: string) => validationFailed([{ path, message }]);

/**
 * The refund of an accepted return arrived (payment.refunded), or it had nothing to pay back: its
 * lines count as refunded at their worth, the order's refunded amount grows by what moved, and the
 * order is 환불완료 once every line is back, else 부분환불. order.refund.completed tells settlement
 * (with the fee kept) and the buyer.
 */
export async function completeReturn(
  ctx: OrderContext,
  trx: Transaction<Database>,
  o: Order,
  r: Return,
  refund: { refundId: string; amount: number; sourceEventId?: string },
): Promise<Order> {
  await trx
    .updateTable('refund_requests')
    .set({ status: 'COMPLETED', refund_id: refund.refundId, completed_at: new Date() })
    .where('id', '=', r.id)
    .execute();
  for (const line of r.items)
    await trx
      .updateTable('order_items')
      .set((eb) => ({
        refunded_quantity: eb('refunded_quantity', '+', line.quantity),
        refunded_amount: eb('refunded_amount', '+', line.amount),
        status: eb
          .case()
          .when(eb('refunded_quantity', '+', line.quantity), '>=', eb.ref('quantity'))
          .then('REFUNDED' as const)
          .else('ORDERED' as const)
          .end(),
      }))
      .where('id', '=', line.itemId)
      .execute();
  const items = await itemsOf(trx, o.id);
  const refunded = Math.min(o.payable_amount, o.refunded_amount + refund.amount);
  const entry = {
    type: 'REFUND_COMPLETED',
    ...(refund.sourceEventId ? { sourceEventId: refund.sourceEventId } : {}),
    data: {
      refundId: refund.refundId,
      amount: refund.amount,
      refundRequestId: r.id,
      returnShippingFee: Number(r.return_shipping_fee),
    },
  };
  const to = items.every((i) => i.refunded_quantity >= i.quantity) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  let moved = await transition(trx, o, to, entry, { refunded_amount: refunded });
  if (!moved) {
    moved = await trx
      .updateTable('orders')
      .set({ refunded_amount: refunded, updated_at: new Date() })
      .where('id', '=', o.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await note(trx, o.id, entry);
  }
  await ctx.events.publish(
    trx,
    'order.refund.completed',
    {
      orderId: o.id,
      userId: o.user_id,
      refundRequestId: r.id,
      refundId: refund.refundId,
      amount: refund.amount,
      items: r.items,
      completedAt: new Date().toISOString(),
      returnShippingFee: Number(r.return_shipping_fee),
    },
    publishOpts(o),
  );
  return moved;
}
