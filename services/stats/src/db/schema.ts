import type { Generated, PlatformTables } from '@mp/platform';

/** Sign-ups per day (Korean calendar day, Asia/Seoul) and role: 가입자 통계. */
export interface DailySignupsTable {
  day: string;
  role: string;
  count: number;
}

/** What stats knows of an order; filled by whichever of its events arrives. */
export interface OrdersTable {
  order_id: string;
  created_at: Date | null;
  sellers: { sellerId: string; gross: number }[] | null;
  paid_at: Date | null;
  paid_amount: number | null;
  paid_counted: Generated<boolean>;
  cancelled_at: Date | null;
  cancelled_counted: Generated<boolean>;
  completed_at: Date | null;
}

/** 판매 통계 per Korean day and seller ('' = the platform: what buyers paid). */
export interface SalesDailyTable {
  day: string;
  seller_id: string;
  orders: Generated<number>;
  ordered_amount: Generated<number>;
  paid_orders: Generated<number>;
  paid_amount: Generated<number>;
  completed_orders: Generated<number>;
  completed_amount: Generated<number>;
  cancelled_orders: Generated<number>;
  refunds: Generated<number>;
  refunded_amount: Generated<number>;
}

export interface ReportsTable {
  id: string;
  kind: string;
  period_from: string;
  period_to: string;
  automatic: boolean;
  requested_by: string | null;
  file_key: string;
  rows: number;
  size: number;
  generated_at: Date;
}

export interface Database extends PlatformTables {
  daily_signups: DailySignupsTable;
  orders: OrdersTable;
  sales_daily: SalesDailyTable;
  counted_refunds: { refund_id: string };
  products_daily: { day: string; seller_id: string; category_id: string; created: Generated<number> };
  logins_daily: { day: string; logins: Generated<number>; users: Generated<number> };
  login_users: { day: string; user_id: string };
  coupons_daily: {
    day: string;
    coupon_id: string;
    uses: Generated<number>;
    discount_amount: Generated<number>;
  };
  daily_reports: { day: string; figures: unknown; calculated_at: Date };
  reports: ReportsTable;
  catalog_products: {
    product_id: string;
    seller_id: string;
    category_id: string;
    name: string;
    deleted: boolean;
    version: number;
  };
  sales_breakdown_daily: {
    day: string;
    dimension: 'category' | 'product' | 'payment';
    key: string;
    seller_id: string;
    orders: Generated<number>;
    quantity: Generated<number>;
    amount: Generated<number>;
  };
  views_daily: {
    day: string;
    product_id: string;
    seller_id: string;
    category_id: string;
    views: Generated<number>;
  };
  members_daily: { day: string; kind: string; count: Generated<number> };
  configs: { key: string; value: unknown; version: number; updated_at: Generated<Date> };
}
