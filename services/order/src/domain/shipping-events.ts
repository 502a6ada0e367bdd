import { PermanentEventError, type Transaction } from '@mp/platform';
import type { Database, ShipmentState } from '../db/schema.ts';
import type { Order } from './context.ts';
import { type FirstWrite, type HistoryEntry, lockOrder, note, transition } from './orders.ts';
import { canMove, shipmentAhead, stepsAlongTrack, trackTarget } from './status.ts';

type ShipmentEvent = { shipmentId: string; orderId: string; sellerId?: string | undefined };

/**
 * A shipment moved (shipping.requested / dispatched / in_transit / delivered / failed): its state
 * moves forward only, then the order follows its shipments along 배송준비중 → 배송중 → 배송완료 —
 * 배송완료 only when every seller's shipment is delivered. Each step is recorded, in order, even
 * when the events arrive out of order; a late one changes nothing.
 */
export async function onShipment(
  trx: Transaction<Database>,
  eventId: string,
  type: string,
  d: ShipmentEvent,
  state: ShipmentState,
  at: string,
) {
  const o = await lockOrder(trx, d.orderId);
  if (!o) throw new PermanentEventError(`${type} for unknown order ${d.orderId}`);
  const rows = await trx.selectFrom('order_shipments').selectAll().where('order_id', '=', o.id).execute();
  const current = rows.find((r) => r.shipment_id === d.shipmentId);
  const sellerId = d.sellerId ?? current?.seller_id;
  if (!sellerId) throw new PermanentEventError(`${type} without a seller for a shipment not seen before`);
  if (current && !shipmentAhead(current.status, state))
    return note(trx, o.id, {
      type: `${type}_LATE`,
      sourceEventId: eventId,
      data: { shipmentId: d.shipmentId },
    });
  // The shipment's new state, written by the order's first step along the track when it moves.
  const write: FirstWrite = (db) =>
    current
      ? db
          .updateTable('order_shipments')
          .set({ status: state, updated_at: new Date() })
          .where('order_id', '=', o.id)
          .where('seller_id', '=', current.seller_id)
      : db
          .insertInto('order_shipments')
          .values({ order_id: o.id, seller_id: sellerId, shipment_id: d.shipmentId, status: state });

  // The shipments' states as they are now: the rows read above, with this one's change.
  const states = [...rows.filter((r) => r !== current).map((r) => r.status), state];
  const moved = await followShipments(
    trx,
    o,
    { type, sourceEventId: eventId, data: { shipmentId: d.shipmentId, sellerId } },
    at,
    states,
    write,
  );
  if (!moved)
    await note(trx, o.id, { type, sourceEventId: eventId, data: { shipmentId: d.shipmentId, sellerId } });
}

/**
 * Moves the order along the delivery track as far as its shipments have got, one recorded step
 * at a time. Also called when the order becomes PAID: a shipment's event may have come first.
 * `known`: the shipments' states when the caller has just read (and changed) them under the
 * order's lock. `first`: a write sent with the first step's statement, or alone if there is none.
 * Returns whether the order moved.
 */
export async function followShipments(
  trx: Transaction<Database>,
  o: Order,
  entry: HistoryEntry,
  at?: string,
  known?: ShipmentState[],
  first?: FirstWrite,
) {
  const states =
    known ??
    (await trx.selectFrom('order_shipments').select('status').where('order_id', '=', o.id).execute()).map(
      (r) => r.status,
    );
  let order = o;
  let moved = false;
  let pending = first;
  for (const step of stepsAlongTrack(o.status, trackTarget(o.seller_ids.length, states))) {
    if (!canMove(order.status, step)) break;
    const next = await transition(
      trx,
      order,
      step,
      entry,
      step === 'DELIVERED' ? { delivered_at: at ? new Date(at) : new Date() } : {},
      pending,
    );
    pending = undefined; // sent with that statement (the move was allowed, so it ran)
    if (!next) break;
    order = next;
    moved = true;
  }
  // No step to take: the write goes alone.
  if (pending) await pending(trx).execute();
  return moved;
}
