import type { Generated, PlatformTables } from '@mp/platform';

export type SettlementStatus = 'CALCULATED' | 'COMPLETED' | 'PAID';

export interface SellersTable {
  seller_id: string;
  store_name: string;
  updated_at: Date;
}

/** What settlement knows of an order; filled by whichever of its events arrives. */
export interface OrdersTable {
  order_id: string;
  user_id: string | null;
  ordered_at: Date | null;
  paid_at: Date | null;
  paid_amount: number | null;
  /** 구매확정 */
  completed_at: Date | null;
  /** order.created has been seen and the order's lines exist. */
  collected: Generated<boolean>;
}

export interface DeliveriesTable {
  shipment_id: string;
  order_id: string;
  seller_id: string | null;
  delivered_at: Date;
}

/** 정산: a seller's settlement for a period. */
export interface SettlementsTable {
  id: string;
  seller_id: string;
  period_from: string;
  period_to: string;
  period_start: Date;
  period_end: Date;
  gross_amount: Generated<number>;
  commission: Generated<number>;
  coupon_burden: Generated<number>;
  shipping_fee: Generated<number>;
  refund_amount: Generated<number>;
  net_amount: Generated<number>;
  /** Negative balances of earlier settlements brought into this one (이월 차감), ≤ 0. */
  carried_over: Generated<number>;
  /** The later settlement this one's negative balance was carried into. */
  carried_into: string | null;
  line_count: Generated<number>;
  refund_count: Generated<number>;
  status: SettlementStatus;
  trigger: 'SCHEDULED' | 'MANUAL';
  requested_by: string | null;
  statement_key: string | null;
  calculated_at: Date;
  completed_at: Date | null;
  paid_at: Date | null;
  paid_by: string | null;
  payout_reference: string | null;
  /** 판매수수료 부가세 (10 % of the commission net of refunds). */
  commission_vat: Generated<number>;
  /** The commission this settlement's refunds reversed. */
  commission_reversed: Generated<number>;
  /** 반품배송비 the buyers' returns left with the seller (return_fees), added to the net. */
  return_shipping_fee: Generated<number>;
  /** 공급받는자: the seller's business as the statement printed it (null before, or when unknown). */
  tax_recipient: TaxRecipient | null;
}

export interface TaxRecipient {
  name: string;
  businessNumber: string;
  representative: string;
  address: string | null;
}

/** 정산 라인: one seller's part of one order. */
export interface LinesTable {
  id: string;
  order_id: string;
  seller_id: string;
  gross: number;
  coupon_burden: number;
  shipping_fee: number;
  commission: number;
  net: number;
  delivered_at: Date | null;
  payable_at: Date | null;
  settlement_id: string | null;
  created_at: Generated<Date>;
}

export interface LineItemsTable {
  line_id: string;
  item_id: string;
  product_id: string;
  sku: string;
  name: string | null;
  category_id: string | null;
  unit_price: number;
  quantity: number;
  amount: number;
  coupon_share: number;
  rate_bp: number;
  commission: number;
  refunded_quantity: Generated<number>;
}

/** 반품배송비 kept from a refund (a buyer's change of mind): the seller's, paid with its next settlement. */
export interface ReturnFeesTable {
  id: string;
  refund_id: string;
  order_id: string;
  seller_id: string;
  amount: number;
  kept_at: Date;
  settlement_id: string | null;
}

/** 환불 차감: one refund's deduction from one seller. */
export interface RefundsTable {
  id: string;
  refund_id: string;
  order_id: string;
  seller_id: string;
  refunded_at: Date;
  buyer_amount: number;
  items: unknown;
  gross: number | null;
  coupon_reversed: number | null;
  commission_reversed: number | null;
  deduction: number | null;
  due_at: Date | null;
  settlement_id: string | null;
}

export interface BankAccountsTable {
  seller_id: string;
  bank_code: string;
  account_sealed: string;
  account_masked: string;
  holder_name: string;
  verified_at: Date;
  updated_at: Date;
}

export interface HoldsTable {
  id: string;
  seller_id: string;
  settlement_id: string | null;
  reason: string;
  held_by: string;
  held_at: Date;
  released_at: Date | null;
  released_by: string | null;
}

export interface PayoutBatchesTable {
  id: string;
  period_from: string;
  period_to: string;
  period_start: Date;
  period_end: Date;
  requested_by: string | null;
  created_at: Date;
}

export type PayoutStatus = 'PENDING' | 'PROCESSING' | 'PAID' | 'FAILED';

export interface PayoutsTable {
  id: string;
  batch_id: string;
  settlement_id: string;
  seller_id: string;
  amount: number;
  status: PayoutStatus;
  attempt: Generated<number>;
  transfer_ref: string;
  bank_code: string | null;
  account_masked: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  sent_at: Date | null;
  paid_at: Date | null;
  updated_at: Date;
}

export interface ConfigsTable {
  key: string;
  value: unknown;
  version: number;
  updated_at: Generated<Date>;
}

export interface Database extends PlatformTables {
  sellers: SellersTable;
  orders: OrdersTable;
  deliveries: DeliveriesTable;
  settlements: SettlementsTable;
  lines: LinesTable;
  line_items: LineItemsTable;
  refunds: RefundsTable;
  return_fees: ReturnFeesTable;
  configs: ConfigsTable;
  bank_accounts: BankAccountsTable;
  holds: HoldsTable;
  payout_batches: PayoutBatchesTable;
  payouts: PayoutsTable;
}
