import type { Generated, PlatformTables } from '@mp/platform';

/** An order's statuses (the moves between them: domain/status.ts). */
export const orderStatuses = [
  'PENDING_PAYMENT', // 결제대기
  'PAID', // 결제완료
  'PREPARING', // 배송준비중
  'SHIPPING', // 배송중
  'DELIVERED', // 배송완료
  'COMPLETED', // 구매확정
  'CANCELLED', // 주문취소
  'PAYMENT_FAILED', // 결제실패
  'REFUND_REQUESTED', // 환불요청
  'PARTIALLY_REFUNDED', // 부분환불
  'REFUNDED', // 환불완료
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** A shipment's states, as the shipping service reports them. */
export type ShipmentState = 'REQUESTED' | 'DISPATCHED' | 'IN_TRANSIT' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

export interface Address {
  recipient: string;
  phone: string;
  address: string;
  zipCode: string;
}

/** orders_db.orders. Money in KRW. */
export interface OrdersTable {
  id: string;
  user_id: string;
  status: OrderStatus;
  /** Sum of the lines (상품금액). */
  total_amount: number;
  discount_amount: number;
  shipping_fee: number;
  /** What the buyer pays (결제금액): total − discount + shipping. */
  payable_amount: number;
  refunded_amount: Generated<number>;
  coupon_id: string | null;
  user_coupon_id: string | null;
  coupon_funded_by: 'ADMIN' | 'SELLER' | null;
  payment_method: 'card' | 'transfer' | 'virtual_account';
  shipping_address: Address;
  seller_ids: string[];
  /** The buyer's Idempotency-Key: one order per (user, key), whatever crashes or retries. */
  idempotency_key: string | null;
  payment_id: string | null;
  /** The saga's correlation id (the placing request's): every event about this order carries it. */
  correlation_id: string;
  payment_due_at: Date;
  paid_at: Date | null;
  delivered_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ItemStatus = 'ORDERED' | 'REFUND_REQUESTED' | 'REFUNDED' | 'CONFIRMED';

/** orders_db.order_items. */
export interface OrderItemsTable {
  id: string;
  order_id: string;
  product_id: string;
  sku: string;
  seller_id: string;
  name: string;
  option_values: Record<string, unknown>;
  unit_price: number;
  quantity: number;
  line_amount: number;
  /** This line's share of the coupon discount. */
  discount_amount: number;
  refunded_quantity: Generated<number>;
  refunded_amount: Generated<number>;
  status: Generated<ItemStatus>;
  confirmed_at: Date | null;
}

/** Each seller's shipment of the order, as shipping's events tell it. */
export interface OrderShipmentsTable {
  order_id: string;
  seller_id: string;
  shipment_id: string;
  status: ShipmentState;
  updated_at: Generated<Date>;
}

/** OrderEvents (event sourcing): append-only, the order's history. */
export interface OrderEventsTable {
  seq: Generated<number>;
  order_id: string;
  type: string;
  from_status: OrderStatus | null;
  to_status: OrderStatus | null;
  source_event_id: string | null;
  data: unknown;
  at: Generated<Date>;
}

/**
 * 반품 (a refund request after delivery): REQUESTED (pickup booked) → RECEIVED (back with the seller) →
 * ACCEPTED (inspected, refund queued) → COMPLETED (money back); RECEIVED → REJECTED; PICKUP_FAILED
 * when the carrier could not collect it. An admin settles PICKUP_FAILED and REJECTED ones.
 */
export type ReturnStatus = 'REQUESTED' | 'PICKUP_FAILED' | 'RECEIVED' | 'ACCEPTED' | 'REJECTED' | 'COMPLETED';
export type ReturnReason = 'CHANGE_OF_MIND' | 'SELLER_FAULT';
export interface Inspection {
  result: 'ACCEPTED' | 'REJECTED';
  reason: string | null;
  photoFileIds: string[];
  lines: { itemId: string; quantity: number; condition: 'RESELLABLE' | 'DAMAGED' }[];
  /** Accepted in part: the return its rejected lines split off into. */
  splitInto?: string;
  by: string;
  role: 'SELLER' | 'ADMIN';
  at: string;
  /** An earlier verdict this one overturned (an admin settling a dispute). */
  overturned?: Omit<Inspection, 'overturned'>;
}
export interface RefundRequestsTable {
  id: string;
  order_id: string;
  user_id: string;
  reason: string;
  /** What the lines are worth (the order's last return also carries its shipping fee). */
  amount: number;
  items: { itemId: string; sellerId: string; quantity: number; amount: number }[];
  status: ReturnStatus;
  refund_id: string | null;
  requested_at: Generated<Date>;
  completed_at: Date | null;
  seller_id: string | null;
  return_reason: Generated<ReturnReason>;
  return_shipment_id: string | null;
  /** 반품배송비 kept from the refund (the buyer's change of mind), set on acceptance. */
  return_shipping_fee: Generated<number>;
  /** What goes back to the buyer: amount − return_shipping_fee, set on acceptance. */
  refund_amount: number | null;
  inspection: Inspection | null;
  pickup_failure: string | null;
  received_at: Date | null;
  inspected_at: Date | null;
  /** The return this one split off from: its lines the inspection rejected (a partial acceptance). */
  split_from: string | null;
}

export type ExchangeStatus = 'REQUESTED' | 'IN_PROGRESS' | 'COMPLETED' | 'REJECTED' | 'CANCELLED' | 'FAILED';
export type ExchangeLegStatus = 'REQUESTED' | 'DISPATCHED' | 'DELIVERED' | 'CANCELLED' | 'FAILED';
export interface ExchangeLine {
  itemId: string;
  productId: string;
  sku: string;
  newSku: string;
  newOptionValues: Record<string, unknown>;
  quantity: number;
}

/**
 * 교환 of delivered items (one seller's): the old units are collected (회수), the new option is
 * sent. The new SKU's stock is reserved under the exchange's id (the key of `POST /internal/reservations`).
 */
export interface ExchangesTable {
  id: string;
  order_id: string;
  user_id: string;
  seller_id: string;
  reason: string;
  items: ExchangeLine[];
  status: ExchangeStatus;
  pickup_shipment_id: string | null;
  pickup_status: ExchangeLegStatus | null;
  delivery_shipment_id: string | null;
  delivery_status: ExchangeLegStatus | null;
  /** Why the seller rejected it or the buyer withdrew it. */
  close_reason: string | null;
  requested_at: Generated<Date>;
  completed_at: Date | null;
  closed_at: Date | null;
  updated_at: Generated<Date>;
}

/**
 * An order being placed: written (and committed) before stock is reserved, deleted in the
 * transaction that commits the order. One left behind means the placement died in between:
 * its reservation is released by the sweeper.
 */
export interface CheckoutAttemptsTable {
  order_id: string;
  user_id: string;
  idempotency_key: string | null;
  created_at: Generated<Date>;
}

/** The tables of the order service's schema (`orders`). */
export interface Database extends PlatformTables {
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_shipments: OrderShipmentsTable;
  order_events: OrderEventsTable;
  refund_requests: RefundRequestsTable;
  exchanges: ExchangesTable;
  checkout_attempts: CheckoutAttemptsTable;
}
