import { type EventOf, type EventType, subscriptionsOf } from '@mp/contracts';
import { ApiError, type EventHandlers, preparedHandler, type Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { broadcastNotice } from '../domain/broadcast.ts';
import { type Outgoing, plan, send } from '../domain/deliver.ts';
import { eraseUser } from '../domain/erase.ts';
import { recordAll } from '../domain/history.ts';
import { LINK_TOKEN, type Message } from '../domain/message.ts';
import { type Recipient, recipientsOf } from '../domain/recipients.ts';
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

/**
 * What a message handler reads before its transaction: the messages and whom each goes to (`to`,
 * filled in for the whole batch by prepareBatch); `outgoing`, the messages its `handle` readied,
 * which `finish` sends with the rest of the transaction's.
 */
type Prepared =
  | { stale: true }
  | { stale: false; eventId: string; messages: { m: Message; to?: Recipient }[]; outgoing: Outgoing[] };

/**
 * Looks up the recipients of a delivered batch's messages at once (recipients.ts): an event one
 * of whose look-ups failed fails alone (RETRY), the others go on.
 */
async function prepareBatch(deps: NotificationDeps, values: Prepared[]) {
  const items = values.flatMap((v) => (v.stale ? [] : v.messages.map((x) => ({ eventId: v.eventId, x }))));
  const found = await recipientsOf(
    deps,
    items.map(({ eventId, x }) => ({ eventId, m: x.m })),
  );
  const failed = new Map<Prepared, unknown>();
  for (const [i, { x }] of items.entries()) {
    const r = found[i]!;
    if (r.ok) x.to = r.value;
    else failed.set(values.find((v) => !v.stale && v.messages.includes(x))!, r.err);
  }
  return values.map((v) =>
    failed.has(v) ? { ok: false as const, err: failed.get(v) } : { ok: true as const, value: v },
  );
}

/**
 * One handler per topic the catalog gives notification: compose the messages (one per person told;
 * a link's token from auth) in the `prepare` step, look all the batch's recipients up at once
 * (prepareBatch: settings, accounts from user, what was mailed, devices, the active wording), both
 * before the consumer transaction, then ready each in the transaction and send all the
 * transaction's messages at once (finish: push and texts written, emails side by side, events,
 * in-app entries); `user.deleted` erases what
 * notification keeps about the account instead, and a published notice is pushed to its audience
 * (broadcast.ts).
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
        return { stale: false, eventId: event.eventId, messages: messages.map((m) => ({ m })), outgoing: [] };
      },
      prepareBatch: (values) => prepareBatch(deps, values),
      async handle(event, { log }, prepared) {
        if (prepared.stale) {
          log.info({ topic }, 'link no longer open; no mail');
          return;
        }
        if (!prepared.messages.length) log.info({ topic }, 'event names no recipient; nothing to send');
        // Afresh: a failed batch runs its events again one by one with the same prepared values.
        prepared.outgoing = [];
        // The buyer's and each seller's message, rendered for its recipient.
        for (const { m, to } of prepared.messages) {
          const o = plan(deps, event, m, to!);
          if (o) prepared.outgoing.push(o);
        }
      },
      // The messages of all the transaction's events: their push and texts written, their emails
      // side by side, their events, and their in-app entries with one bulk read and one state transaction.
      async finish(values, { trx }) {
        const history = await send(
          deps,
          trx,
          values.flatMap((v) => (v.stale ? [] : v.outgoing)),
        );
        await recordAll(deps.dapr, history, deps.config.NOTIFICATION_HISTORY_MAX);
      },
    });
  }
  return out as EventHandlers<Database>;
}
