import { subscriptionsOf } from '@mp/contracts';
import type { EventHandlers, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/**
 * One handler per topic the catalog subscribes user to. The kit has already validated the
 * payload against the catalog's schema and made the delivery idempotent; for now each one records
 * that it arrived.
 */
export function handlers(_deps: ServiceDeps<Database>): EventHandlers<Database> {
  return Object.fromEntries(
    subscriptionsOf('user').map((topic) => [
      topic,
      async (
        event: { eventId: string; correlationId: string },
        { log }: { log: ServiceDeps<Database>['log'] },
      ) => {
        log.info({ correlationId: event.correlationId }, 'event received');
      },
    ]),
  ) as EventHandlers<Database>;
}
