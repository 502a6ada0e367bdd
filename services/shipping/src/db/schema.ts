import type { Generated, PlatformTables } from '@mp/platform';

export type Carrier = 'CJ' | 'LOTTE' | 'HANJIN' | 'LOGEN' | 'POST';
/** REQUESTED: 배송준비중 (waiting for the seller); DISPATCHED: 발송; IN_TRANSIT: 배송중; DELIVERED: 배송완료. */
export type ShipmentStatus = 'REQUESTED' | 'DISPATCHED' | 'IN_TRANSIT' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

/** DELIVERY 배송; RETURN 반품 회수; an exchange's EXCHANGE_PICKUP 교환 회수 and EXCHANGE_DELIVERY 교환 발송. */
export type ShipmentKind = 'DELIVERY' | 'RETURN' | 'EXCHANGE_PICKUP' | 'EXCHANGE_DELIVERY';

export interface ShipmentItem {
  itemId: string;
  productId: string;
  sku: string;
  quantity: number;
}

export interface Address {
  recipient: string;
  phone: string;
  address: string;
  zipCode: string;
}

/** What order.created told us: the order's per-seller split, kept until payment arrives. */
export interface OrderSplitsTable {
  order_id: string;
  user_id: string | null;
  shipping_address: Address | null;
  items: (ShipmentItem & { sellerId: string })[];
  correlation_id: string | null;
  cancelled_at: Date | null;
  created_at: Generated<Date>;
}

/** orders_db.shipments: one delivery per seller of an order; returns (반품) as their own. */
export interface ShipmentsTable {
  id: string;
  order_id: string;
  seller_id: string;
  user_id: string;
  kind: ShipmentKind;
  /** For a return or an exchange's pickup: the delivery it takes back. */
  return_of: string | null;
  /** For an exchange's legs: the order's exchange (교환). */
  exchange_id: string | null;
  refund_request_id: string | null;
  status: ShipmentStatus;
  recipient: Address;
  items: ShipmentItem[];
  carrier: Carrier | null;
  tracking_number: string | null;
  tracking_level: Generated<number>;
  estimated_delivery: Date | null;
  reason: string | null;
  requested_at: Generated<Date>;
  dispatched_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  failed_at: Date | null;
  last_polled_at: Date | null;
  /** The order's saga correlation id: tracking events, published by a poller, carry it too. */
  correlation_id: string;
  updated_at: Generated<Date>;
}

/** orders_db.tracking: what the carrier reported, step by step. */
export interface TrackingEventsTable {
  id: Generated<number>;
  shipment_id: string;
  level: number;
  kind: string;
  location: string | null;
  occurred_at: Date;
  recorded_at: Generated<Date>;
}

/** The tables of the shipping service's schema (`shipping`). */
export interface Database extends PlatformTables {
  order_splits: OrderSplitsTable;
  shipments: ShipmentsTable;
  tracking_events: TrackingEventsTable;
}
