import type { Generated, PlatformTables } from '@mp/platform';
import type { BackofficeTables } from './backoffice-schema.ts';

/** Every message seen on the bus (모든 이벤트 모니터링, the admin event monitor), dead letters included. */
export interface EventLogTable {
  id: Generated<number>;
  event_id: string | null;
  event_type: string | null;
  topic: string;
  source: string | null;
  correlation_id: string | null;
  user_id: string | null;
  occurred_at: Date | null;
  received_at: Generated<Date>;
  /** Envelope and payload matched the catalog's schema. */
  valid: boolean;
  problems: string[] | null;
  /** Arrived on the dead-letter topic: some subscriber dropped it or gave up on it. */
  dead_letter: boolean;
  deliveries: Generated<number>;
  envelope: unknown;
  /** A dead letter an admin replayed (domain/replay.ts), and who. */
  replayed_at: Date | null;
  replayed_by: string | null;
}

export interface Database extends PlatformTables, BackofficeTables {
  event_log: EventLogTable;
}
