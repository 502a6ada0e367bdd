import type {
  Admit,
  Crowd,
  Dapr,
  EventPublisher,
  Kysely,
  Logger,
  Pacer,
  SagaLag,
  Selectable,
  Transaction,
} from '@mp/platform';
import type { Database, OrderItemsTable, OrdersTable } from '../db/schema.ts';
import type { SoldOutDoor } from './door.ts';

export type Order = Selectable<OrdersTable>;
export type OrderItem = Selectable<OrderItemsTable>;
export type Db = Kysely<Database> | Transaction<Database>;

export interface OrderRules {
  /** Card and transfer orders must be paid within this (Toss: 10 minutes). */
  paymentWindowSeconds: number;
  /** Virtual-account orders wait this long for the deposit. */
  virtualAccountWindowSeconds: number;
  /** Purchase confirmation (구매확정) happens by itself this long after delivery. */
  autoConfirmDays: number;
  shipping: { fee: number; freeOver: number };
  /** 반품배송비 the buyer pays for a return of their own choosing (단순변심), kept from the refund. */
  returnShippingFee: number;
  /** Stock stays reserved this much longer than the payment window. */
  reservationMarginSeconds: number;
  /** A placement that has not committed after this long has died; its reservation is released. */
  checkoutStaleSeconds: number;
}

export interface OrderContext {
  db: Kysely<Database>;
  events: EventPublisher;
  log: Logger;
  dapr: Dapr;
  rules: OrderRules;
  /** Runs a placement when its turn comes (at most a few at once). */
  admit: Admit;
  /** The buyers placing orders now: while a crowd, the relay holds back new sagas' order.created. */
  crowd: Crowd;
  /** How long order.created may wait in the outbox for a crowd to be answered. */
  holdMs: number;
  /** How late order's own consumers see the sagas' events; placements wait while it is high. */
  lag: SagaLag;
  /** Lets placements in at a pace the sagas keep up with while `lag` is high (bounded wait). */
  pacer: Pacer;
  /** Refuses a SKU inventory has just shown sold out, with one cheap read (door.ts). */
  door: SoldOutDoor;
  /** How often expiry, auto-confirmation and the sweeper run. */
  sweepMs: number;
}
