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

/** Events about a shipment: in order per shipment, with the order's saga correlation id. */
export const opts = (s: { id: string; user_id: string; correlation_id: string }) => ({
  aggregateKey: `shipment:${s.id}`,
  userId: s.user_id,
  correlationId: s.correlation_id,
});
