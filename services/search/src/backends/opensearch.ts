import { type Logger, unavailable } from '@mp/platform';
import { makeCursor, readCursor } from './cursor.ts';
import {
  contentUpdate,
  deletion,
  indexDefinition,
  searchRequest,
  stockUpdate,
} from './opensearch-requests.ts';
import type { SearchHit, SearchIndex, StockStatus } from './port.ts';

/** The part of the OpenSearch client the backends use (`@opensearch-project/opensearch`'s Client fits). */
export interface OpenSearchLike {
  update(params: { index: string; id: string; retry_on_conflict: number; body: object }): Promise<unknown>;
  search(params: { index: string; body: object }): Promise<{ body: { hits: { hits: Hit[] } } }>;
  indices: {
    exists(params: { index: string }): Promise<{ body: boolean }>;
    create(params: { index: string; body: object }): Promise<unknown>;
  };
  ping(): Promise<unknown>;
}

export interface Hit {
  _id: string;
  _score: number | null;
  _source: Record<string, unknown>;
  sort: (string | number)[];
}

/**
 * A read of OpenSearch: when it cannot answer (down, timing out, refusing), the search answers
 * 503 SEARCH_UNAVAILABLE — the caller did nothing wrong and may retry — not a 500.
 */
export async function readOrRefuse<T>(log: Logger | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    log?.error({ err }, 'OpenSearch could not answer a search');
    throw unavailable('SEARCH_UNAVAILABLE', 'Search cannot answer right now; try again shortly');
  }
}

/** Creates the index with its definition when it is not there yet (at start-up). */
export async function ensureIndex(client: OpenSearchLike, index: string, body: object) {
  if ((await client.indices.exists({ index })).body) return;
  await client.indices.create({ index, body });
}

/** Whether OpenSearch answers (readiness). */
export const pingable = (client: OpenSearchLike) =>
  client.ping().then(
    () => true,
    () => false,
  );

/**
 * The OpenSearch backend (production, with the analysis-nori plugin). It cannot run here; its
 * requests are unit-tested (test/opensearch.unit.test.ts) and it is chosen by SEARCH_BACKEND=opensearch.
 */
export function openSearchIndex(
  client: OpenSearchLike,
  index: string,
  log?: Logger,
): SearchIndex & { ensureIndex(): Promise<void> } {
  return {
    name: 'opensearch',
    ensureIndex: () => ensureIndex(client, index, indexDefinition),
    async applyContent(doc) {
      await client.update(contentUpdate(index, doc));
    },
    async applyStock(s) {
      await client.update(stockUpdate(index, { ...s, version: s.version ?? 1 }));
    },
    async applyDeleted(productId, version) {
      await client.update(deletion(index, productId, version));
    },
    async search(q) {
      const after = readCursor(q.cursor, q.sort);
      const res = await readOrRefuse(log, () => client.search(searchRequest(index, q, after)));
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
    healthy: () => pingable(client),
  };
}
