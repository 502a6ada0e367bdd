import type { Generated, PlatformTables } from '@mp/platform';

export type StockLevel = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK';
export type ReservationStatus = 'RESERVED' | 'SOLD' | 'RELEASED' | 'EXPIRED' | 'RETURNED';
/** Why stock moved (입고/출고/정정 are the seller's; the rest follow orders). */
export type MovementReason =
  | 'INITIAL'
  | 'INBOUND'
  | 'OUTBOUND'
  | 'CORRECTION'
  | 'RESERVE'
  | 'RELEASE'
  | 'EXPIRE'
  | 'SALE'
  | 'RETURN'
  /** Returned units found damaged on inspection (폐기): on hand is unchanged, the trail says why. */
  | 'WRITE_OFF'
  | 'THRESHOLD';

/** products_db.inventory: one row per SKU; available = on_hand − reserved. */
export interface StockItemsTable {
  sku: string;
  product_id: string;
  seller_id: string;
  on_hand: number;
  reserved: Generated<number>;
  /** 품절임박 below this many available units. */
  threshold: number;
  level: Generated<StockLevel>;
  /** The level before the last change: a change whose level differs from it crossed a line. */
  prev_level: Generated<StockLevel>;
  active: Generated<boolean>;
  /** Grows with every change; consumers drop stale news by it. */
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A reservation holds an order's stock until it is paid (SOLD), released or expired. */
export interface ReservationsTable {
  order_id: string;
  status: ReservationStatus;
  expires_at: Date;
  /** order.created arrived: the order exists, so it will pay or cancel. */
  confirmed: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReservationItemsTable {
  order_id: string;
  sku: string;
  quantity: number;
}

/** The audit trail of every stock change (재고 이력). */
export interface StockMovementsTable {
  id: Generated<number>;
  sku: string;
  reason: MovementReason;
  delta_on_hand: number;
  delta_reserved: number;
  on_hand: number;
  reserved: number;
  actor: string;
  order_id: string | null;
  note: string | null;
  created_at: Generated<Date>;
}

/** The tables of the inventory service's schema (`inventory`). */
export interface Database extends PlatformTables {
  stock_items: StockItemsTable;
  reservations: ReservationsTable;
  reservation_items: ReservationItemsTable;
  stock_movements: StockMovementsTable;
}
