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

/** The tables of the search service's schema (`search`). */
export interface Database extends PlatformTables {
  search_documents: DocumentsTable;
  search_suggestions: SuggestionsTable;
  search_suggestion_sources: SuggestionSourcesTable;
  search_term_counts: TermCountsTable;
  search_terms: TermsTable;
}
