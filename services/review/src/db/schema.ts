import type { Generated, PlatformTables } from '@mp/platform';

/** A delivered order item its buyer may review (from shipping.delivered): 작성 가능한 리뷰. */
export interface ReviewableItemsTable {
  order_id: string;
  item_id: string;
  user_id: string;
  product_id: string;
  sku: string;
  delivered_at: Date;
}

export interface ReviewImage {
  fileId: string;
  url: string;
  thumbnailUrl: string;
}

/** products_db.reviews: one per order item, ever (a deleted review is not written again). */
export interface ReviewsTable {
  id: string;
  product_id: string;
  user_id: string;
  order_id: string;
  item_id: string;
  sku: string;
  rating: number;
  content: string;
  images: ReviewImage[];
  helpful_count: Generated<number>;
  status: 'ACTIVE' | 'DELETED';
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface HelpfulVotesTable {
  review_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

/** Per-product summary: count, sum and the 1–5 distribution, moved by single atomic updates. */
export interface RatingSummariesTable {
  product_id: string;
  count: number;
  sum: number;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
}

/** The tables of the review service's schema (`review`). */
export interface Database extends PlatformTables {
  reviewable_items: ReviewableItemsTable;
  reviews: ReviewsTable;
  helpful_votes: HelpfulVotesTable;
  rating_summaries: RatingSummariesTable;
}
