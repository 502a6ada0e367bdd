import { decodeCursor, keysetPage, type Logger, timeIdCursor } from '@mp/platform';
import { type OrderView, orderHit } from '../domain/orders.ts';
import { ensureIndex, type OpenSearchLike, pingable, readOrRefuse } from './opensearch.ts';
import {
  orderCreatedUpdate,
  orderRefundUpdate,
  orderSearchRequest,
  orderStatusUpdate,
  ordersIndexDefinition,
} from './orders-opensearch-requests.ts';
import type { OrdersIndex } from './port.ts';

/**
 * The orders index in OpenSearch (SEARCH_BACKEND=opensearch, OPENSEARCH_ORDERS_INDEX). Writes are
 * one painless script that keeps the guarantees without the handler's transaction (which
 * OpenSearch is not part of): a redelivered refund is recognised by its id in the document.
 */
export function openSearchOrders(client: OpenSearchLike, index: string, log?: Logger): OrdersIndex {
  return {
    name: 'opensearch',
    ensureIndex: () => ensureIndex(client, index, ordersIndexDefinition),
    async applyCreated(d) {
      await client.update(orderCreatedUpdate(index, d));
    },
    async applyStatus(news) {
      await client.update(orderStatusUpdate(index, news));
    },
    async applyRefund(d) {
      await client.update(orderRefundUpdate(index, d));
    },
    async search(q, seller) {
      const after = decodeCursor(q.cursor, timeIdCursor);
      const res = await readOrRefuse(log, () => client.search(orderSearchRequest(index, q, seller, after)));
      const { page, nextCursor } = keysetPage(res.body.hits.hits, q.limit, (last) => ({
        t: new Date(Number(last.sort[0])).toISOString(),
        id: String(last.sort[1]),
      }));
      return { items: page.map((h) => orderHit(h._source as unknown as OrderView, seller)), nextCursor };
    },
    healthy: () => pingable(client),
  };
}
