import type { EventHandlers, Transaction } from '@mp/platform';
import type { ProductDoc } from '../backends/port.ts';
import type { SearchContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { docOf } from '../domain/docs.ts';
import { updateSuggestions } from '../domain/suggestions.ts';

const ids = (d: { orderId: string; userId: string }) => ({ orderId: d.orderId, userId: d.userId });

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
    'order.created': async ({ data }, { trx }) => deps.orders.applyCreated(data, trx),
    'order.cancelled': async ({ data: d }, { trx }) =>
      deps.orders.applyStatus({ ...ids(d), status: 'CANCELLED', at: d.cancelledAt }, trx),
    'order.completed': async ({ data: d }, { trx }) =>
      deps.orders.applyStatus({ ...ids(d), status: 'COMPLETED', at: d.completedAt }, trx),
    'order.refund.requested': async ({ data: d }, { trx }) =>
      deps.orders.applyStatus({ ...ids(d), status: 'REFUND_REQUESTED', at: d.requestedAt }, trx),
    'order.refund.completed': async ({ data }, { trx }) => deps.orders.applyRefund(data, trx),
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
