import type { Generated, PlatformTables } from '@mp/platform';

export type ProductStatus = 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED' | 'DELETED' | 'SUSPENDED';
export type StockStatus = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK';

/** products_db.categories: an admin-managed tree; `path` holds the ids from the root, `/a/b/`. */
export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  path: string;
  depth: number;
  sort_order: Generated<number>;
  created_at: Generated<Date>;
}

/** products_db.products, the catalog's products. */
export interface ProductsTable {
  id: string;
  seller_id: string;
  name: string;
  description: string;
  brand: string | null;
  category_id: string;
  /** KRW; a SKU's price is this plus its price_delta. */
  price: number;
  status: ProductStatus;
  /** Grows with every change others see; events carry it so consumers can drop stale news. */
  version: Generated<number>;
  /** Display stock (available units over active SKUs) and its 품절임박/품절 flag, kept from inventory's news. */
  stock: Generated<number>;
  stock_status: Generated<StockStatus>;
  sales_count: Generated<number>;
  view_count: Generated<number>;
  review_count: Generated<number>;
  rating_sum: Generated<number>;
  /** sales·10 + reviews·5 + views (a stored generated column): the `popular` order. */
  popularity: Generated<number>;
  /** The popularity last announced to search. */
  popularity_published: Generated<number>;
  rejection_reason: string | null;
  status_before_suspension: ProductStatus | null;
  reviewed_by: string | null;
  approved_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

/** products_db.product_options: one row per SKU (a combination of option values). */
export interface ProductSkusTable {
  sku: string;
  product_id: string;
  position: number;
  name: string;
  option_values: Record<string, string>;
  price_delta: number;
  available: number;
  stock_status: StockStatus;
  /** inventory's version of the figures above. */
  stock_version: Generated<number>;
  active: Generated<boolean>;
}

export interface ProductImagesTable {
  product_id: string;
  position: number;
  file_id: string;
  url: string;
  thumbnail_url: string | null;
}

/** One rating per review, so that edits and deletions keep the product's average exact. */
export interface ReviewRatingsTable {
  review_id: string;
  product_id: string;
  rating: number;
  changed_at: Date;
  deleted: boolean;
}

/** Items counted as sold, so a cancellation can take them back out. */
export interface OrderSalesTable {
  order_id: string;
  item_id: string;
  product_id: string;
  quantity: number;
}

/** The last time a signed-in user viewed a product (one view per user per half hour counts). */
export interface ProductViewsTable {
  user_id: string;
  product_id: string;
  viewed_at: Date;
}

/** Whether a seller is suspended (판매 정지), from seller.suspended and seller.verified. */
export interface SellerStandingTable {
  seller_id: string;
  suspended: boolean;
  changed_at: Date;
}

export type RevisionStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';

/** What a revision proposes: only the fields it changes (images resolved when it was submitted). */
export interface RevisionChange {
  name?: string;
  description?: string;
  price?: number;
  images?: { fileId: string; url: string; thumbnailUrl: string | null }[];
  options?: {
    sku?: string | undefined;
    name?: string | undefined;
    values?: Record<string, string> | undefined;
    priceDelta?: number | undefined;
    stock?: number | undefined;
  }[];
}

/**
 * A seller's edit of an approved product's content (name, description, price, images, option
 * prices), held for an admin's review while the approved version stays on sale. At most one is
 * PENDING per product; a further edit changes it.
 */
export interface ProductRevisionsTable {
  id: string;
  product_id: string;
  seller_id: string;
  status: RevisionStatus;
  change: RevisionChange;
  rejection_reason: string | null;
  reviewed_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  decided_at: Date | null;
}

/** The tables of the product service's schema (`product`). */
export interface Database extends PlatformTables {
  categories: CategoriesTable;
  products: ProductsTable;
  product_skus: ProductSkusTable;
  product_images: ProductImagesTable;
  review_ratings: ReviewRatingsTable;
  order_sales: OrderSalesTable;
  product_views: ProductViewsTable;
  seller_standing: SellerStandingTable;
  product_revisions: ProductRevisionsTable;
}
