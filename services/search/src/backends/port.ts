import type { EventData } from '@mp/contracts';
import type { Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { OrderHit, OrderQuery, OrderStatusNews } from '../domain/orders.ts';

export type StockStatus = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK';

/** A product as the search index holds it (from product events). */
export interface ProductDoc {
  productId: string;
  sellerId: string;
  name: string;
  description: string;
  brand: string | null;
  categoryId: string;
  categoryPath: string[];
  price: number;
  status: string;
  thumbnailUrl: string | null;
  stock: number | undefined;
  stockStatus: StockStatus | undefined;
  popularity: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const searchSorts = ['relevance', 'popular', 'price_asc', 'price_desc', 'latest'] as const;
export type SearchSort = (typeof searchSorts)[number];

export interface SearchQuery {
  q: string;
  categoryId?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  brand?: string | undefined;
  sort: SearchSort;
  limit: number;
  cursor?: string | undefined;
}

export interface SearchHit {
  productId: string;
  sellerId: string;
  name: string;
  brand: string | null;
  price: number;
  categoryId: string;
  thumbnailUrl: string | null;
  stock: number;
  stockStatus: StockStatus;
  popularity: number;
  createdAt: string;
  score: number;
}

/**
 * The search index behind one port: PostgreSQL (pg_trgm, the local default) or OpenSearch with
 * the nori analyzer (production). Every write is order-safe by the product's version: news
 * older than what the index holds changes nothing. `trx` is the event handler's transaction,
 * which the PostgreSQL index writes in (so the write and the processed-event mark commit together).
 */
export interface SearchIndex {
  name: string;
  applyContent(doc: ProductDoc, trx: Transaction<Database>): Promise<void>;
  applyStock(
    s: {
      productId: string;
      stock: number;
      stockStatus: StockStatus | undefined;
      version: number | undefined;
    },
    trx: Transaction<Database>,
  ): Promise<void>;
  applyDeleted(productId: string, version: number, trx: Transaction<Database>): Promise<void>;
  search(q: SearchQuery): Promise<{ items: SearchHit[]; nextCursor: string | null }>;
  healthy(): Promise<boolean>;
}

/**
 * The orders index (admin and seller order search) behind the same backend choice. Writes follow
 * order events in any order (domain/orders.ts); `trx` is the event handler's transaction, which
 * the PostgreSQL index writes in. `seller` narrows a search to that seller's orders and items.
 */
export interface OrdersIndex {
  name: string;
  applyCreated(d: EventData<'order.created'>, trx: Transaction<Database>): Promise<void>;
  applyStatus(news: OrderStatusNews, trx: Transaction<Database>): Promise<void>;
  applyRefund(d: EventData<'order.refund.completed'>, trx: Transaction<Database>): Promise<void>;
  search(q: OrderQuery, seller?: string): Promise<{ items: OrderHit[]; nextCursor: string | null }>;
  healthy(): Promise<boolean>;
  ensureIndex?(): Promise<void>;
}
