import type { Generated, PlatformTables } from '@mp/platform';

export type CouponType = 'FIXED' | 'PERCENT';
export type CouponStatus = 'ACTIVE' | 'EXPIRED' | 'DELETED';
export type UserCouponStatus = 'ISSUED' | 'USED' | 'EXPIRED';

/** products_db.coupons (seed 1.9): a coupon campaign, funded by the platform or by one seller. */
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

/** The tables of the coupon service's schema (`coupon`). */
export interface Database extends PlatformTables {
  coupons: CouponsTable;
  user_coupons: UserCouponsTable;
  cancelled_orders: CancelledOrdersTable;
}
