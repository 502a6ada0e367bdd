import type { Generated, PlatformTables } from '@mp/platform';

export interface DeliveryAttemptsTable {
  event_id: string;
  template: string;
  failures: Generated<number>;
  last_error: string | null;
  updated_at: Generated<Date>;
}

export type Platform = 'ANDROID' | 'IOS' | 'WEB';

export interface DevicesTable {
  token: string;
  user_id: string;
  platform: Platform;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Channel = 'PUSH' | 'SMS';
export type DeliveryStatus = 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED';

/** What a push or a text says (rendered when the event was handled). */
export interface Content {
  category: string;
  title: string;
  body: string;
  link: string | null;
}

export interface DeliveriesTable {
  id: string;
  event_id: string;
  template: string;
  channel: Channel;
  user_id: string;
  correlation_id: string;
  content: Content;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  reached: Generated<string[]>;
  reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The tables of the notification service's schema (`notification`); history and settings are in state stores. */
export interface Database extends PlatformTables {
  delivery_attempts: DeliveryAttemptsTable;
  devices: DevicesTable;
  deliveries: DeliveriesTable;
}
