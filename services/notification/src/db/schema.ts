import type { Generated, PlatformTables } from '@mp/platform';

export interface DeliveryAttemptsTable {
  event_id: string;
  template: string;
  failures: Generated<number>;
  last_error: string | null;
  updated_at: Generated<Date>;
}

/** The tables of the notification service's schema (`notification`); history and settings are in state stores. */
export interface Database extends PlatformTables {
  delivery_attempts: DeliveryAttemptsTable;
}
