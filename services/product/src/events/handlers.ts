import type { EventHandlers, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { applyRating, applySkuStock, countSale, uncountOrder } from '../domain/signals.ts';
import { reinstateSeller, suspendSeller } from '../domain/standing.ts';

/**
 * Product keeps display copies of what others own: stock (inventory, with its 품절임박 flag on low stock),
 * ratings (review) and sales (order); a suspended seller's products stop selling until the
 * seller is reinstated.
 */
export function handlers({ events }: ServiceDeps<Database>): EventHandlers<Database> {
  return {
    'inventory.adjusted': async ({ data }, { trx }) => {
      await applySkuStock(trx, events, {
        sku: data.sku,
        available: data.available,
        status: data.stockStatus ?? (data.available === 0 ? 'OUT_OF_STOCK' : 'IN_STOCK'),
        version: data.version,
      });
    },
    'inventory.low_stock': async ({ data }, { trx }) => {
      await applySkuStock(trx, events, {
        sku: data.sku,
        available: data.currentStock,
        status: 'LOW_STOCK',
        version: data.version,
      });
    },
    'inventory.out_of_stock': async ({ data }, { trx }) => {
      await applySkuStock(trx, events, {
        sku: data.sku,
        available: 0,
        status: 'OUT_OF_STOCK',
        version: data.version,
      });
    },

    'review.created': async ({ data }, { trx }) => {
      await applyRating(trx, { ...data, at: data.createdAt, deleted: false });
    },
    'review.updated': async ({ data }, { trx }) => {
      await applyRating(trx, { ...data, at: data.updatedAt, deleted: false });
    },
    'review.deleted': async ({ data }, { trx }) => {
      await applyRating(trx, { ...data, at: data.deletedAt, deleted: true });
    },

    'order.item.confirmed': async ({ data }, { trx }) => {
      await countSale(trx, data);
    },
    'order.completed': async ({ data }, { trx }) => {
      for (const item of data.items) await countSale(trx, { ...item, orderId: data.orderId });
    },
    'order.cancelled': async ({ data }, { trx }) => {
      await uncountOrder(trx, data.orderId);
    },

    'seller.suspended': async ({ data }, { trx }) => {
      await suspendSeller(trx, events, data.sellerId, data.suspendedAt);
    },
    'seller.verified': async ({ data }, { trx }) => {
      await reinstateSeller(trx, events, data.sellerId, data.verifiedAt);
    },
  };
}
