import { type EventOf, type EventType, subscriptionsOf } from '@mp/contracts';
import { ApiError, type EventHandlers, type Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { broadcastNotice } from '../domain/broadcast.ts';
import { deliver } from '../domain/deliver.ts';
import { eraseUser } from '../domain/erase.ts';
import { RESET_TOKEN, templates } from '../domain/templates.ts';

const STALE = Symbol('stale');

/**
 * A password reset's link needs its token, which auth keeps: fetched through Dapr (notification is
 * the only caller auth's policy allows) while the reset is open; a reset already used or replaced
 * gets no mail (the template then names no token and the handler skips it).
 */
async function withSecrets(deps: NotificationDeps, event: EventOf<EventType>): Promise<EventOf<EventType>> {
  if (event.eventType !== 'auth.password.reset') return event;
  const data = (event as EventOf<'auth.password.reset'>).data;
  if (data.phase !== 'requested' || !data.resetId) return event;
  try {
    const { token } = await deps.dapr.invoke<{ token: string }>(
      'auth',
      `/internal/password-resets/${encodeURIComponent(data.resetId)}`,
    );
    return Object.assign({ ...event }, { [RESET_TOKEN]: token });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { ...event, [STALE]: true } as never;
    throw err;
  }
}

/**
 * One handler per topic the catalog gives notification: compose the messages (one per person told),
 * then deliver each; `user.deleted` erases what notification keeps about the account instead, and a
 * published notice is pushed to its audience (broadcast.ts).
 */
export function handlers(deps: NotificationDeps): EventHandlers<Database> {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const out: Record<string, unknown> = {
    'user.deleted': (event: EventOf<'user.deleted'>, { trx }: { trx: Transaction<Database> }) =>
      eraseUser(deps.dapr, trx, event.data.userId),
    'admin.notice.published': (
      event: EventOf<'admin.notice.published'>,
      { trx }: { trx: Transaction<Database> },
    ) => broadcastNotice(deps, trx, event).then(() => undefined),
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
      const ready = await withSecrets(deps, event);
      if ((ready as { [STALE]?: boolean })[STALE]) {
        log.info({ topic }, 'password reset no longer open; no mail');
        return;
      }
      const composed = compose(ready, base);
      const messages = Array.isArray(composed) ? composed : composed ? [composed] : [];
      if (!messages.length) log.info({ topic }, 'event names no recipient; nothing to send');
      // One after another in the handler's transaction: the buyer's and each seller's message.
      for (const m of messages) await deliver(deps, trx, event, m);
    };
  }
  return out as EventHandlers<Database>;
}
