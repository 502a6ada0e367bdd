import { type EventOf, type EventType, subscriptionsOf } from '@mp/contracts';
import type { EventHandlers, Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { deliver } from '../domain/deliver.ts';
import { eraseUser } from '../domain/erase.ts';
import { templates } from '../domain/templates.ts';

/**
 * One handler per topic the catalog gives notification: compose the message, then deliver it;
 * `user.deleted` erases what notification keeps about the account instead.
 */
export function handlers(deps: NotificationDeps): EventHandlers<Database> {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const out: Record<string, unknown> = {
    'user.deleted': (event: EventOf<'user.deleted'>, { trx }: { trx: Transaction<Database> }) =>
      eraseUser(deps.dapr, trx, event.data.userId),
  };
  for (const topic of subscriptionsOf('notification')) {
    if (out[topic]) continue;
    const compose = templates[topic] as
      | ((e: EventOf<EventType>, base: string) => ReturnType<NonNullable<(typeof templates)[EventType]>>)
      | undefined;
    if (!compose) throw new Error(`notification has no template for ${topic}`);
    out[topic] = async (
      event: EventOf<EventType>,
      { trx, log }: { trx: never; log: NotificationDeps['log'] },
    ) => {
      const message = compose(event, base);
      if (!message) {
        log.info({ topic }, 'event names no recipient; nothing to send');
        return;
      }
      await deliver(deps, trx, event, message);
    };
  }
  return out as EventHandlers<Database>;
}
