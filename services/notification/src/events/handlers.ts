import { type EventOf, type EventType, subscriptionsOf } from '@mp/contracts';
import { ApiError, type EventHandlers, preparedHandler, type Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { broadcastNotice } from '../domain/broadcast.ts';
import { deliver, type Recipient, recipientOf } from '../domain/deliver.ts';
import { eraseUser } from '../domain/erase.ts';
import { LINK_TOKEN, type Message } from '../domain/message.ts';
import { templates } from '../domain/templates.ts';

const STALE = Symbol('stale');

/** Where auth hands out the token of the link an event names (the events name only its id). */
const linkToken: {
  [T in EventType]?: (
    dapr: NotificationDeps['dapr'],
    data: EventOf<T>['data'],
  ) => Promise<{ token: string }> | undefined;
} = {
  'auth.password.reset': (dapr, d) =>
    d.phase === 'requested' && d.resetId
      ? dapr.call('auth.passwordResets.get', { params: { resetId: d.resetId } })
      : undefined,
  'auth.email.verification': (dapr, d) =>
    dapr.call('auth.emailVerifications.get', { params: { verificationId: d.verificationId } }),
};

/**
 * A password reset's or an email verification's link needs its token, which auth keeps: fetched
 * through Dapr (notification is the only caller auth's policy allows) while the link is open; one
 * already used, replaced or expired gets no mail.
 */
async function withSecrets(deps: NotificationDeps, event: EventOf<EventType>): Promise<EventOf<EventType>> {
  const ask = linkToken[event.eventType] as
    | ((dapr: NotificationDeps['dapr'], d: unknown) => Promise<{ token: string }> | undefined)
    | undefined;
  const asked = ask?.(deps.dapr, event.data);
  if (!asked) return event;
  try {
    const { token } = await asked;
    return Object.assign({ ...event }, { [LINK_TOKEN]: token });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { ...event, [STALE]: true } as never;
    throw err;
  }
}

/** What a message handler reads before its transaction: the messages and whom each goes to. */
type Prepared = { stale: true } | { stale: false; messages: { m: Message; to: Recipient }[] };

/**
 * One handler per topic the catalog gives notification: compose the messages (one per person told)
 * and look their recipients up (the `prepare` step, before the consumer transaction: a link's
 * token from auth, settings, the account's address from user), then deliver each in the
 * transaction; `user.deleted` erases what notification keeps about the account instead, and a
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
    out[topic] = preparedHandler<Database, EventType, Prepared>({
      async prepare(event) {
        const ready = await withSecrets(deps, event);
        if ((ready as { [STALE]?: boolean })[STALE]) return { stale: true };
        const composed = compose(ready, base);
        const messages = Array.isArray(composed) ? composed : composed ? [composed] : [];
        return {
          stale: false,
          messages: await Promise.all(messages.map(async (m) => ({ m, to: await recipientOf(deps, m) }))),
        };
      },
      async handle(event, { trx, log }, prepared) {
        if (prepared.stale) {
          log.info({ topic }, 'link no longer open; no mail');
          return;
        }
        if (!prepared.messages.length) log.info({ topic }, 'event names no recipient; nothing to send');
        // One after another in the handler's transaction: the buyer's and each seller's message.
        for (const { m, to } of prepared.messages) await deliver(deps, trx, event, m, to);
      },
    });
  }
  return out as EventHandlers<Database>;
}
