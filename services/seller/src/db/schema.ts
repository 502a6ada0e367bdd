import type { Generated, PlatformTables } from '@mp/platform';

export type SellerStatus = 'PENDING' | 'VERIFIED' | 'REJECTED' | 'SUSPENDED';

/** users_db.sellers: 입점 심사 status and seller grade (판매자 등급). */
export interface SellersTable {
  seller_id: string;
  status: SellerStatus;
  grade: Generated<string>;
  applied_at: Generated<Date>;
  verified_at: Date | null;
  verified_by: string | null;
  rejected_at: Date | null;
  rejection_reason: string | null;
  suspended_at: Date | null;
  suspension_reason: string | null;
  /** Closed by the account's suspension: the status it goes back to when the account is restored. */
  suspended_with_account: 'PENDING' | 'VERIFIED' | null;
  grade_evaluated_at: Date | null;
  updated_at: Generated<Date>;
}

/** users_db.stores: the storefront (스토어) shown to buyers. */
export interface StoresTable {
  seller_id: string;
  store_name: string;
  description: string | null;
  cs_phone: string | null;
  cs_email: string | null;
  logo_file_id: string | null;
  updated_at: Generated<Date>;
}

/** users_db.business_info: 사업자 정보. */
export interface BusinessInfoTable {
  seller_id: string;
  business_number: string;
  representative: string;
  mail_order_number: string;
  business_address: string | null;
}

/** One seller's share of an order (from `order.created`). */
export interface SellerOrdersTable {
  order_id: string;
  seller_id: string;
  amount: number;
  item_count: number;
  ordered_at: Date;
}

export interface SellerShipmentsTable {
  shipment_id: string;
  /** Unknown until `shipping.requested` names it when a dispatch arrives first. */
  seller_id: string | null;
  order_id: string;
  requested_at: Date | null;
  dispatched_at: Date | null;
}

export interface SellerSettlementsTable {
  settlement_id: string;
  seller_id: string;
  gross_amount: number;
  net_amount: number;
  period_start: Date;
  period_end: Date;
  completed_at: Date;
}

export interface Database extends PlatformTables {
  sellers: SellersTable;
  stores: StoresTable;
  business_info: BusinessInfoTable;
  seller_orders: SellerOrdersTable;
  order_payments: { order_id: string; paid_at: Date };
  order_cancellations: { order_id: string; cancelled_at: Date };
  /** Orders whose sales facts changed since their sellers' grades were last looked at (the grade review's queue). */
  grade_review_queue: { id: Generated<string>; order_id: string };
  seller_shipments: SellerShipmentsTable;
  seller_settlements: SellerSettlementsTable;
}
