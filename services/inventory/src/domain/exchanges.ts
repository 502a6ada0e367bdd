import type { EventOf } from '@mp/contracts';
import type { EventPublisher, Logger, Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { cancel, sell } from './reservation-outcomes.ts';
import { applyChange } from './stock.ts';

/** An exchange's new units stay held until it completes or closes (two parcels: days, not minutes). */
const exchangeHoldDays = 30;

/**
 * 교환 (order.exchange.*): order reserved the new SKU under the exchange's id (`POST /internal/reservations`).
 * requested: the exchange exists, so its reservation is kept until it completes or closes.
 */
export async function holdForExchange(trx: Transaction<Database>, e: EventOf<'order.exchange.requested'>) {
  const until = new Date(Date.parse(e.data.requestedAt) + exchangeHoldDays * 86_400_000);
  await trx
    .updateTable('reservations')
    .set((eb) => ({
      confirmed: true,
      expires_at: eb.fn('greatest', ['expires_at', eb.val(until)]),
      updated_at: new Date(),
    }))
    .where('order_id', '=', e.data.exchangeId)
    .where('status', '=', 'RESERVED')
    .execute();
}

/** completed (both parcels arrived): the new units are sold, the returned ones go back on hand (반품 입고). */
export async function settleExchange(
  trx: Transaction<Database>,
  events: EventPublisher,
  log: Logger,
  e: EventOf<'order.exchange.completed'>,
) {
  const { exchangeId, orderId } = e.data;
  if ((await sell(trx, events, exchangeId)) === 'unknown')
    log.warn({ exchangeId, orderId }, 'a completed exchange held no reservation');
  for (const line of e.data.items) {
    const row = await applyChange(
      trx,
      events,
      { sku: line.sku, onHand: line.quantity },
      { reason: 'RETURN', actor: `exchange:${exchangeId}`, orderId, note: `exchanged for ${line.newSku}` },
    );
    if (!row) log.warn({ exchangeId, sku: line.sku }, 'returned units of an unknown SKU were not restocked');
  }
}

/** cancelled (rejected or withdrawn): the new units held for it are released. */
export const releaseExchange = (
  trx: Transaction<Database>,
  events: EventPublisher,
  e: EventOf<'order.exchange.cancelled'>,
) => cancel(trx, events, e.data.exchangeId);

/** failed (a leg the carrier could not carry): the new units held for it are released, as for a cancelled one. */
export const releaseFailedExchange = (
  trx: Transaction<Database>,
  events: EventPublisher,
  e: EventOf<'order.exchange.failed'>,
) => cancel(trx, events, e.data.exchangeId);
