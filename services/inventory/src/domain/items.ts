import type { EventData } from '@mp/contracts';
import type { EventPublisher, Logger, Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { levelOf, recordChange } from './stock.ts';

type Sku = EventData<'product.created'>['skus'][number];

/**
 * SKUs a product brings (product.created, or new options in product.updated) start with their
 * initial stock. A SKU already known is left as it is: its stock moves only by adjustments and orders.
 */
export async function addSkus(
  trx: Transaction<Database>,
  events: EventPublisher,
  log: Logger,
  product: { productId: string; sellerId: string },
  skus: Sku[],
  defaultThreshold: number,
): Promise<void> {
  for (const s of skus) {
    if (s.active === false) continue;
    const threshold = s.lowStockThreshold ?? defaultThreshold;
    const level = levelOf(s.stock, threshold);
    const row = await trx
      .insertInto('stock_items')
      .values({
        sku: s.sku,
        product_id: product.productId,
        seller_id: product.sellerId,
        on_hand: s.stock,
        threshold,
        level,
        prev_level: level,
      })
      .onConflict((oc) => oc.column('sku').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const existing = await trx
        .selectFrom('stock_items')
        .select('product_id')
        .where('sku', '=', s.sku)
        .executeTakeFirst();
      if (existing?.product_id !== product.productId) {
        log.error(
          { sku: s.sku, productId: product.productId, owner: existing?.product_id },
          'SKU belongs to another product',
        );
      }
      continue;
    }
    await recordChange(trx, events, row, {
      reason: 'INITIAL',
      actor: `seller:${product.sellerId}`,
      deltaOnHand: s.stock,
      deltaReserved: 0,
    });
  }
}

/** SKUs the seller removed, or a deleted product's: no new reservations; held ones run their course. */
export async function deactivate(
  trx: Transaction<Database>,
  productId: string,
  skus?: string[],
): Promise<void> {
  let q = trx
    .updateTable('stock_items')
    .set({ active: false, updated_at: new Date() })
    .where('product_id', '=', productId);
  if (skus) {
    if (!skus.length) return;
    q = q.where('sku', 'in', skus);
  }
  await q.execute();
}
