import { type EventPublisher, PermanentEventError, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { findReservation, transition } from './reservations.ts';
import { applyChange } from './stock.ts';

/** Holds the reservation's row until the transaction ends, whatever its status. */
const lockReservation = (trx: Transaction<Database>, orderId: string) =>
  trx.selectFrom('reservations').select('status').where('order_id', '=', orderId).forUpdate().execute();

/**
 * payment.completed: the held units are sold (재고 확정 차감). A payment for an order whose
 * reservation was released — the order was cancelled or never placed — sells nothing: payment
 * refunds that late charge (it knows the order was cancelled), and the units stay on sale.
 */
export async function sell(trx: Transaction<Database>, events: EventPublisher, orderId: string) {
  const actor = `order:${orderId}`;
  const sold = await transition(
    trx,
    events,
    orderId,
    ['RESERVED'],
    'SOLD',
    (q) => ({ onHand: -q, reserved: -q }),
    'SALE',
    actor,
  );
  if (sold) return 'sold';
  // Under the row lock: an order.cancelled of the same order waits for this decision, or came first.
  await lockReservation(trx, orderId);
  const r = await findReservation(trx, orderId);
  if (!r || r.status === 'SOLD' || r.status === 'RETURNED') return r ? 'already' : 'unknown';
  if (r.status === 'RELEASED') return 'cancelled';
  // Paid after the reservation lapsed: take the units again if they are still there.
  for (const it of r.items) {
    const row = await applyChange(
      trx,
      events,
      { sku: it.sku, onHand: -it.quantity },
      { reason: 'SALE', actor, orderId, note: `paid after the reservation was ${r.status.toLowerCase()}` },
    );
    if (!row) {
      throw new PermanentEventError(
        `order ${orderId} was paid after its reservation ${r.status.toLowerCase()} and ${it.sku} is sold out`,
      );
    }
  }
  await trx
    .updateTable('reservations')
    .set({ status: 'SOLD', updated_at: new Date() })
    .where('order_id', '=', orderId)
    .execute();
  return 'sold-late';
}

/** order.cancelled: held units are released; sold ones (cancelled before dispatch) go back on hand. */
export async function cancel(trx: Transaction<Database>, events: EventPublisher, orderId: string) {
  const actor = `order:${orderId}`;
  await lockReservation(trx, orderId);
  const released = await transition(
    trx,
    events,
    orderId,
    ['RESERVED'],
    'RELEASED',
    (q) => ({ reserved: -q }),
    'RELEASE',
    actor,
  );
  if (released) return 'released';
  const returned = await transition(
    trx,
    events,
    orderId,
    ['SOLD'],
    'RETURNED',
    (q) => ({ onHand: q }),
    'RETURN',
    actor,
  );
  if (returned) return 'returned';
  // Lapsed before the cancellation (the expiry worker freed its units): marked released, so a
  // payment that completes after the cancellation sells nothing.
  const lapsed = await trx
    .updateTable('reservations')
    .set({ status: 'RELEASED', updated_at: new Date() })
    .where('order_id', '=', orderId)
    .where('status', '=', 'EXPIRED')
    .returning('order_id')
    .executeTakeFirst();
  return lapsed ? 'released' : 'nothing';
}
