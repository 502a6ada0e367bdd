import type { EventHandlers, Transaction } from '@mp/platform';
import type { ProductDoc } from '../backends/port.ts';
import type { SearchContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { docOf } from '../domain/docs.ts';
import { indexCreated, indexRefund, indexStatus } from '../domain/orders.ts';
import { updateSuggestions } from '../domain/suggestions.ts';

/**
 * The index follows product events, the orders index order events. Each write is order-safe by the product's
 * version, and idempotent (the kit runs a handler once per event; a replay changes nothing).
 */
export function handlers(deps: SearchContext): EventHandlers<Database> {
  const index = () => deps.index;
  const content = async (doc: ProductDoc, trx: Transaction<Database>) => {
    await index().applyContent(doc, trx);
    await updateSuggestions(trx, {
      productId: doc.productId,
      version: doc.version,
      visible: doc.status === 'APPROVED',
      doc,
    });
  };
  return {
    'product.created': async ({ data }, { trx }) => content(docOf(data), trx),
    'product.updated': async ({ data }, { trx }) => content(docOf(data), trx),
    'product.approved': async ({ data }, { trx }) => content(docOf(data), trx),
    'product.rejected': async ({ data }, { trx }) => content(docOf(data), trx),
    'product.deleted': async ({ data }, { trx }) => {
      await index().applyDeleted(data.productId, data.version, trx);
      await updateSuggestions(trx, { productId: data.productId, version: data.version, visible: false });
    },
    'order.created': async ({ data }, { trx }) => indexCreated(trx, data),
    'order.cancelled': async ({ data }, { trx }) =>
      indexStatus(trx, data.orderId, data.userId, 'CANCELLED', data.cancelledAt),
    'order.completed': async ({ data }, { trx }) =>
      indexStatus(trx, data.orderId, data.userId, 'COMPLETED', data.completedAt),
    'order.refund.requested': async ({ data }, { trx }) =>
      indexStatus(trx, data.orderId, data.userId, 'REFUND_REQUESTED', data.requestedAt),
    'order.refund.completed': async ({ data }, { trx }) => indexRefund(trx, data),
    'product.stock.changed': async ({ data }, { trx }) => {
      await index().applyStock(
        {
          productId: data.productId,
          stock: data.currentStock,
          stockStatus: data.stockStatus,
          version: data.version,
        },
        trx,
      );
    },
  };
}
