import { subscriptionsOf } from '@mp/contracts';
import type { EventHandlers, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { countSignup } from '../domain/signups.ts';

/** Topics whose statistics are not kept yet: recorded as arrived (the kit validated them). */
const recordOnly = (topics: string[]): EventHandlers<Database> =>
  Object.fromEntries(
    topics.map((t) => [
      t,
      async (event: { correlationId: string }, { log }: { log: ServiceDeps<Database>['log'] }) => {
        log.info({ correlationId: event.correlationId }, 'event received');
      },
    ]),
  );

export function handlers(_deps: ServiceDeps<Database>): EventHandlers<Database> {
  return {
    ...recordOnly(subscriptionsOf('stats')),
    'user.created': async (event, { trx }) => {
      await countSignup(trx, event.data.createdAt, event.data.role);
    },
  };
}
