import type { Generated, PlatformTables } from '@mp/platform';

export type CouponType = 'FIXED' | 'PERCENT';
export type CouponStatus = 'ACTIVE' | 'EXPIRED' | 'DELETED';
export type UserCouponStatus = 'ISSUED' | 'USED' | 'EXPIRED';

/** products_db.coupons: a coupon campaign, funded by the platform or by one seller. */
export interface CouponsTable {
  id: string;
  name: string;
  type: CouponType;
  /** KRW for FIXED, percent (1–100) for PERCENT. */
  value: number;
  min_order_amount: number;
  max_discount: number | null;
  /** null: unlimited. */
  total_quantity: number | null;
  issued_count: Generated<number>;
  issuer: 'ADMIN' | 'SELLER';
  seller_id: string | null;
  created_by: string;
  valid_from: Date;
  valid_until: Date;
  status: Generated<CouponStatus>;
  created_at: Generated<Date>;
}

/** products_db.user_coupons: one coupon issued to one user (at most one per user and coupon). */
export interface UserCouponsTable {
  id: string;
  coupon_id: string;
  user_id: string;
  status: Generated<UserCouponStatus>;
  order_id: string | null;
  discount_amount: number | null;
  issued_at: Generated<Date>;
  used_at: Date | null;
}

/** Orders whose cancellation arrived before their creation: a late order.created must not redeem. */
export interface CancelledOrdersTable {
  order_id: string;
  cancelled_at: Generated<Date>;
}

export type GrantJobStatus = 'RUNNING' | 'COMPLETED' | 'STOPPED';

/** A grant to every active buyer (전체 발급): pages through user's accounts from `cursor`. */
export interface GrantJobsTable {
  id: string;
  coupon_id: string;
  status: Generated<GrantJobStatus>;
  /** Why a job stopped before the last page: COUPON_EXHAUSTED, COUPON_EXPIRED, COUPON_NOT_FOUND. */
  stopped_reason: string | null;
  /** user's page cursor of the next batch; null before the first. */
  cursor: string | null;
  batches: Generated<number>;
  users_seen: Generated<number>;
  granted: Generated<number>;
  already_held: Generated<number>;
  not_granted: Generated<number>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}

/** A promotion (프로모션/기획전): a period, a banner and the coupons it features. */
export interface PromotionsTable {
  id: string;
  name: string;
  description: Generated<string>;
  banner_file_id: string | null;
  starts_at: Date;
  ends_at: Date;
  /** false: a draft only its owner and admins see. */
  published: Generated<boolean>;
  owner: 'ADMIN' | 'SELLER';
  seller_id: string | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PromotionCouponsTable {
  promotion_id: string;
  coupon_id: string;
  position: number;
}

/** The tables of the coupon service's schema (`coupon`). */
export interface Database extends PlatformTables {
  coupons: CouponsTable;
  user_coupons: UserCouponsTable;
  cancelled_orders: CancelledOrdersTable;
  grant_jobs: GrantJobsTable;
  promotions: PromotionsTable;
  promotion_coupons: PromotionCouponsTable;
}
