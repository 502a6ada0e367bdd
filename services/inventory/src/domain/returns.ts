import type { EventOf } from '@mp/contracts';
import type { EventPublisher, Logger, Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { applyChange } from './stock.ts';

/**
 * order.return.inspected (반품 검수), accepted: each returned line the inspector found RESELLABLE
 * goes back on hand (재입고, a RETURN movement); a DAMAGED one is written off (폐기): on hand stays as
 * the sale left it and a WRITE_OFF movement records why. A rejected return changes nothing (the
 * units go back to the buyer). Once per return and SKU, whatever the redeliveries.
 */
export async function restockReturn(
  trx: Transaction<Database>,
  events: EventPublisher,
  log: Logger,
  e: EventOf<'order.return.inspected'>,
) {
  const d = e.data;
  if (d.result !== 'ACCEPTED') return;
  const actor = `return:${d.refundRequestId}`;
  for (const line of d.lines) {
    const done = await trx
      .selectFrom('stock_movements')
      .select('id')
      .where('actor', '=', actor)
      .where('sku', '=', line.sku)
      .executeTakeFirst();
    if (done) continue;
    if (line.condition === 'RESELLABLE') {
      const row = await applyChange(
        trx,
        events,
        { sku: line.sku, onHand: line.quantity },
        { reason: 'RETURN', actor, orderId: d.orderId, note: `반품 재입고 (${d.returnReason})` },
      );
      if (!row)
        log.warn({ refundRequestId: d.refundRequestId, sku: line.sku }, 'returned units of an unknown SKU');
      continue;
    }
    const stock = await trx
      .selectFrom('stock_items')
      .select(['on_hand', 'reserved'])
      .where('sku', '=', line.sku)
      .executeTakeFirst();
    if (!stock) continue;
    await trx
      .insertInto('stock_movements')
      .values({
        sku: line.sku,
        reason: 'WRITE_OFF',
        delta_on_hand: 0,
        delta_reserved: 0,
        on_hand: stock.on_hand,
        reserved: stock.reserved,
        actor,
        order_id: d.orderId,
        note: `반품 폐기: ${line.quantity} damaged`,
      })
      .execute();
  }
}
