import type { Generated, PlatformTables } from '@mp/platform';

/** The PostgreSQL search index: one row per product ever heard of (a deleted one stays as a tombstone). */
export interface DocumentsTable {
  product_id: string;
  seller_id: string;
  name: string;
  brand: string | null;
  category_id: string;
  category_path: string[];
  price: number;
  status: string;
  deleted: boolean;
  thumbnail_url: string | null;
  stock: number;
  stock_status: string;
  popularity: number;
  created_at: Date;
  updated_at: Date;
  /** compact(name) and compact(name)|compact(brand): what queries match inside. */
  name_c: string;
  search_text: string;
  bigrams: string[];
  /** The product version of the content fields and of the stock fields. */
  version: number;
  stock_version: number;
  /** status = APPROVED and not deleted (stored, generated). */
  visible: Generated<boolean>;
}

/** Autocomplete keys of products on sale: the jamo of their names from each word on. */
export interface SuggestionsTable {
  product_id: string;
  key: string;
  name: string;
  popularity: number;
}

/** Searched terms counted per hour: popular terms over a recent window (인기 검색어). */
export interface SuggestionSourcesTable {
  product_id: string;
  version: number;
}

export interface TermCountsTable {
  term: string;
  hour: Date;
  count: number;
}

export interface TermsTable {
  term: string;
  jamo: string;
  last_at: Date;
}

/** The orders index (`orders`): one document per order from order.* events, for admin and seller order search. */
export interface OrderDocumentsTable {
  order_id: string;
  user_id: string;
  seller_ids: string[];
  /** As the order's own events last said (PENDING_PAYMENT, CANCELLED, COMPLETED, REFUND_REQUESTED, PARTIALLY_REFUNDED, REFUNDED). */
  status: string;
  /** The instant of the event that set the status: older news does not overwrite it. */
  status_at: Date;
  items: Generated<OrderDocItem[]>;
  recipient: string | null;
  payment_method: string | null;
  total_amount: Generated<number>;
  payable_amount: Generated<number>;
  refunded_amount: Generated<number>;
  /** Product names and recipient, normalised (matching inside words, pg_trgm). */
  search_text: Generated<string>;
  /** Per seller, its own items' names and the recipient, normalised: what a seller's words must match. */
  seller_texts: Generated<Record<string, string>>;
  /** Null until order.created arrives (a later event may come first). */
  created_at: Date | null;
  updated_at: Generated<Date>;
}

export interface OrderDocItem {
  itemId: string;
  productId: string;
  sku: string;
  sellerId: string;
  name: string | null;
  quantity: number;
  price: number;
}

/** The tables of the search service's schema (`search`). */
export interface Database extends PlatformTables {
  search_documents: DocumentsTable;
  search_suggestions: SuggestionsTable;
  search_suggestion_sources: SuggestionSourcesTable;
  search_term_counts: TermCountsTable;
  search_terms: TermsTable;
  order_documents: OrderDocumentsTable;
}
