import type { EventPublisher, Kysely, Logger, Selectable, Transaction } from '@mp/platform';
import type { CarrierClient } from '../carrier/port.ts';
import type { Database, ShipmentsTable, TrackingEventsTable } from '../db/schema.ts';

export type Shipment = Selectable<ShipmentsTable>;
export type TrackingEvent = Selectable<TrackingEventsTable>;
export type Db = Kysely<Database> | Transaction<Database>;

export interface ShippingContext {
  db: Kysely<Database>;
  events: EventPublisher;
  log: Logger;
  carrier: CarrierClient;
  /** Days from dispatch to the expected delivery (택배 D+n). */
  deliveryDays: number;
}
