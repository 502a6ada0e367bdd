import { makeCursor, readCursor } from './cursor.ts';
import {
  contentUpdate,
  deletion,
  indexDefinition,
  searchRequest,
  stockUpdate,
} from './opensearch-requests.ts';
import type { SearchHit, SearchIndex, StockStatus } from './port.ts';

/** The part of the OpenSearch client this backend uses (`@opensearch-project/opensearch`'s Client fits). */
export interface OpenSearchLike {
  update(params: ReturnType<typeof contentUpdate>): Promise<unknown>;
  search(params: ReturnType<typeof searchRequest>): Promise<{ body: { hits: { hits: Hit[] } } }>;
  indices: {
    exists(params: { index: string }): Promise<{ body: boolean }>;
    create(params: { index: string; body: typeof indexDefinition }): Promise<unknown>;
  };
  ping(): Promise<unknown>;
}

interface Hit {
  _id: string;
  _score: number | null;
  _source: Record<string, unknown>;
  sort: (string | number)[];
}

/**
 * The OpenSearch backend (production, with the analysis-nori plugin). It cannot run here; its
 * requests are unit-tested (test/opensearch.unit.test.ts) and it is chosen by SEARCH_BACKEND=opensearch.
 */
export function openSearchIndex(
  client: OpenSearchLike,
  index: string,
): SearchIndex & { ensureIndex(): Promise<void> } {
  return {
    name: 'opensearch',
    async ensureIndex() {
      if ((await client.indices.exists({ index })).body) return;
      await client.indices.create({ index, body: indexDefinition });
    },
    async applyContent(doc) {
      await client.update(contentUpdate(index, doc));
    },
    async applyStock(s) {
      await client.update(stockUpdate(index, { ...s, version: s.version ?? 1 }) as never);
    },
    async applyDeleted(productId, version) {
      await client.update(deletion(index, productId, version) as never);
    },
    async search(q) {
      const after = readCursor(q.cursor, q.sort);
      const res = await client.search(searchRequest(index, q, after));
      const hits = res.body.hits.hits;
      const page = hits.slice(0, q.limit);
      const items: SearchHit[] = page.map((h) => ({
        productId: String(h._source.productId ?? h._id),
        sellerId: String(h._source.sellerId),
        name: String(h._source.name),
        brand: (h._source.brand as string | null) ?? null,
        price: Number(h._source.price),
        categoryId: String(h._source.categoryId),
        thumbnailUrl: (h._source.thumbnailUrl as string | null) ?? null,
        stock: Number(h._source.stock ?? 0),
        stockStatus: (h._source.stockStatus as StockStatus) ?? 'OUT_OF_STOCK',
        popularity: Number(h._source.popularity ?? 0),
        createdAt: String(h._source.createdAt),
        score: h._score ?? 0,
      }));
      const last = page.at(-1);
      return {
        items,
        nextCursor:
          hits.length > q.limit && last ? makeCursor(q.sort, last.sort[0]!, String(last.sort[1])) : null,
      };
    },
    async healthy() {
      return client.ping().then(
        () => true,
        () => false,
      );
    },
  };
}
