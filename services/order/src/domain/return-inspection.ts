import {
  conflict,
  jsonb,
  newId,
  notFound,
  type Principal,
  publishOptions,
  sql,
  type Transaction,
  validationFailed,
} from '@mp/platform';
import type { Database, Inspection } from '../db/schema.ts';
import type { Order, OrderContext } from './context.ts';
import { itemsOf, note, transition } from './orders.ts';

import { completeReturn, lockReturn, type Return } from './returns.ts';

type Verdict = 'ACCEPTED' | 'REJECTED';
type Condition = 'RESELLABLE' | 'DAMAGED';

export interface InspectionInput {
  result: Verdict;
  reason?: string | undefined;
  photoFileIds?: string[] | undefined;
  /** Per line: its condition and, to accept a return in part, its own verdict (else `result`'s). */
  lines?: { itemId: string; condition?: Condition | undefined; result?: Verdict | undefined }[] | undefined;
}

/**
 * 검수 (inspection) of a returned parcel. The return's seller decides once it is RECEIVED; an admin
 * also settles a PICKUP_FAILED return and may overturn a seller's rejection (a dispute). Accepting
 * queues the refund of the lines less the return shipping fee (the buyer's change of mind: the
 * policy's fee; the seller's fault: none) and tells inventory per line to restock or write off.
 * Rejecting gives the order back its delivered status; nothing is refunded. Lines may be judged
 * apart: the rejected ones split off into a REJECTED return of their own (an admin may overturn
 * it like any rejection), the accepted ones are refunded less the fee. The return's row is locked
 * under the order's lock, and only its status of the moment moves it: a second inspection,
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
    const accepting = input.result === 'ACCEPTED' || !!input.lines?.some((l) => l.result === 'ACCEPTED');
    const allowed = admin
      ? from === 'RECEIVED' || from === 'PICKUP_FAILED' || (from === 'REJECTED' && accepting)
      : from === 'RECEIVED';
    if (!allowed)
      throw conflict(
        'RETURN_NOT_INSPECTABLE',
        from === 'REQUESTED'
          ? 'The returned parcel has not reached the seller yet'
          : `A return that is ${from} cannot be inspected${admin ? '' : ' by the seller'}`,
        { status: from },
      );
    const stray = input.lines?.findIndex((x) => !r.items.some((l) => l.itemId === x.itemId)) ?? -1;
    if (stray >= 0) throw invalid(`lines.${stray}.itemId`, 'not an item of this return');
    const items = await itemsOf(trx, o.id);
    const lines = r.items.map((l) => {
      const item = items.find((i) => i.id === l.itemId)!;
      const wanted = input.lines?.find((x) => x.itemId === l.itemId);
      return {
        itemId: l.itemId,
        productId: item.product_id,
        sku: item.sku,
        quantity: l.quantity,
        condition: wanted?.condition ?? ('RESELLABLE' as const),
        result: wanted?.result ?? input.result,
        worth: l.amount,
      };
    });
    const accepted = lines.filter((l) => l.result === 'ACCEPTED');
    const rejected = lines.filter((l) => l.result === 'REJECTED');
    if (rejected.length) {
      if (!input.reason) throw invalid('reason', 'required to reject a return or some of its lines');
      if (!admin && !input.photoFileIds?.length)
        throw invalid('photoFileIds', 'a rejection shows what was found (at least one photo)');
    }
    const now = new Date();
    const role = admin ? ('ADMIN' as const) : ('SELLER' as const);
    const verdict = (result: Verdict, of: typeof lines, extra: Partial<Inspection> = {}): Inspection => ({
      result,
      reason: input.reason ?? null,
      photoFileIds: input.photoFileIds ?? [],
      lines: of.map((l) => ({ itemId: l.itemId, quantity: l.quantity, condition: l.condition })),
      by: by.userId,
      role,
      at: now.toISOString(),
      ...(r.inspection ? { overturned: withoutHistory(r.inspection) } : {}),
      ...extra,
    });
    const partial = accepted.length > 0 && rejected.length > 0;
    // In part: the rejected lines (and what the return carried beyond the accepted lines' worth,
    // such as the order's shipping fee) go to a return of their own.
    const split = partial ? await splitOff(trx, r, rejected, verdict('REJECTED', rejected), now) : undefined;
    const keptItems = partial ? r.items.filter((l) => accepted.some((a) => a.itemId === l.itemId)) : r.items;
    const amount = partial ? accepted.reduce((s, l) => s + l.worth, 0) : r.amount;
    const fee = accepted.length ? await returnFee(ctx, trx, r, amount) : 0;
    const refundAmount = accepted.length ? amount - fee : 0;
    const result: Verdict = accepted.length ? 'ACCEPTED' : 'REJECTED';
    const mine = verdict(result, accepted.length ? accepted : rejected, split ? { splitInto: split.id } : {});
    // Overturning reopens the order first: refused (409) while another return of it is open.
    let order: Order = o;
    if (accepted.length && from === 'REJECTED') order = await reopen(trx, o, r, accepted, by);
    const moved = await trx
      .updateTable('refund_requests')
      .set({
        status: result,
        inspection: jsonb(mine),
        inspected_at: now,
        amount,
        items: jsonb(keptItems),
        return_shipping_fee: fee,
        refund_amount: accepted.length ? refundAmount : null,
      })
      .where('id', '=', r.id)
      .where('status', '=', from)
      .returningAll()
      .executeTakeFirst();
    if (!moved) throw conflict('RETURN_NOT_INSPECTABLE', 'The return was inspected meanwhile');
    const data = {
      refundRequestId: r.id,
      result,
      reason: input.reason ?? null,
      returnShippingFee: fee,
      refundAmount,
      by: role,
      ...(split ? { rejectedRefundRequestId: split.id } : {}),
    };
    if (accepted.length) await note(trx, o.id, { type: 'RETURN_ACCEPTED', data });
    if (rejected.length) {
      await trx
        .updateTable('order_items')
        .set({ status: 'ORDERED' })
        .where(
          'id',
          'in',
          rejected.map((l) => l.itemId),
        )
        .where('status', '=', 'REFUND_REQUESTED')
        .execute();
      const rejectedData = split
        ? {
            ...data,
            refundRequestId: split.id,
            result: 'REJECTED',
            splitFrom: r.id,
            refundAmount: 0,
            returnShippingFee: 0,
          }
        : data;
      const back = o.refunded_amount > 0 ? 'PARTIALLY_REFUNDED' : 'DELIVERED';
      // Wholly rejected: the order is delivered again. In part: it waits for the accepted lines' refund.
      const gaveBack = split ? undefined : await transition(trx, o, back, { type: 'RETURN_REJECTED', data });
      if (gaveBack) order = gaveBack;
      else await note(trx, o.id, { type: 'RETURN_REJECTED', data: rejectedData });
    }
    const inspected = (ret: Return, res: Verdict, of: typeof lines, money: { fee: number; refund: number }) =>
      ctx.events.publish(
        trx,
        'order.return.inspected',
        {
          orderId: o.id,
          userId: o.user_id,
          sellerId: r.seller_id ?? r.items[0]!.sellerId,
          refundRequestId: ret.id,
          result: res,
          returnReason: r.return_reason,
          reason: input.reason ?? null,
          photoFileIds: input.photoFileIds ?? [],
          lines: of.map(({ result: _r, worth: _w, ...l }) => l),
          amount: Number(ret.amount),
          returnShippingFee: money.fee,
          refundAmount: money.refund,
          inspectedBy: role,
          inspectedAt: now.toISOString(),
          ...(ret.split_from ? { splitFrom: ret.split_from } : {}),
        },
        publishOptions('order', o),
      );
    await inspected(moved as Return, result, accepted.length ? accepted : rejected, {
      fee,
      refund: refundAmount,
    });
    if (split) await inspected(split, 'REJECTED', rejected, { fee: 0, refund: 0 });
    // Nothing left to pay back (the fee took it all): the return completes here.
    if (accepted.length && refundAmount === 0)
      order = await completeReturn(ctx, trx, order, moved as Return, { refundId: r.id, amount: 0 });
    return { order, request: moved };
  });
}

/** The rejected lines of a return accepted in part, as a REJECTED return of their own. */
async function splitOff(
  trx: Transaction<Database>,
  r: Return,
  rejected: { itemId: string }[],
  inspection: Inspection,
  now: Date,
) {
  const items = r.items.filter((l) => rejected.some((x) => x.itemId === l.itemId));
  const acceptedWorth = r.items.filter((l) => !items.includes(l)).reduce((s, l) => s + l.amount, 0);
  return (await trx
    .insertInto('refund_requests')
    .values({
      id: newId(),
      order_id: r.order_id,
      user_id: r.user_id,
      reason: r.reason,
      amount: r.amount - acceptedWorth,
      items: jsonb(items),
      status: 'REJECTED',
      refund_id: null,
      // The original's own instant (microseconds, which a JS Date would cut): listed right after it.
      requested_at: sql<Date>`(select requested_at from refund_requests where id = ${r.id})`,
      completed_at: null,
      seller_id: r.seller_id,
      return_reason: r.return_reason,
      return_shipment_id: r.return_shipment_id,
      refund_amount: null,
      inspection: jsonb(inspection),
      pickup_failure: r.pickup_failure,
      received_at: r.received_at,
      inspected_at: now,
      split_from: r.split_from ?? r.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as Return;
}

/**
 * 반품배송비: the policy's fee on a change of mind (nothing on the seller's fault), once per parcel —
 * less what the other parts of the same return already kept — and never more than the part is worth.
 */
async function returnFee(ctx: OrderContext, trx: Transaction<Database>, r: Return, worth: number) {
  if (r.return_reason !== 'CHANGE_OF_MIND') return 0;
  const root = r.split_from ?? r.id;
  const kept = await trx
    .selectFrom('refund_requests')
    .select(sql<string>`coalesce(sum(return_shipping_fee), 0)`.as('fees'))
    .where((eb) => eb.or([eb('id', '=', root), eb('split_from', '=', root)]))
    .where('id', '!=', r.id)
    .where('status', 'in', ['ACCEPTED', 'COMPLETED'])
    .executeTakeFirstOrThrow();
  return Math.max(0, Math.min(ctx.rules.returnShippingFee - Number(kept.fees), worth));
}

/** An admin overturns a rejection: the order is under return again, the accepted lines with it. */
async function reopen(
  trx: Transaction<Database>,
  o: Order,
  r: Return,
  accepted: { itemId: string }[],
  by: Principal,
): Promise<Order> {
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
      'The order has moved on (confirmed, or another return is open: an accepted part waits for its refund)',
      { status: o.status },
    );
  await trx
    .updateTable('order_items')
    .set({ status: 'REFUND_REQUESTED' })
    .where(
      'id',
      'in',
      accepted.map((l) => l.itemId),
    )
    .execute();
  return reopened;
}

const withoutHistory = ({ overturned: _, ...v }: Inspection) => v;

const invalid = (path: string, message: string) => validationFailed([{ path, message }]);
