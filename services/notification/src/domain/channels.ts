import type { ConfigValue, EventOf, EventType } from '@mp/contracts';
import { currentConfig, type Kysely, newId, sql, type Transaction } from '@mp/platform';
import { kakaoAccount, type NotificationDeps } from '../config.ts';
import type { Channel, Database } from '../db/schema.ts';
import { alimtalkOf } from '../kakao/templates.ts';
import type { Message } from './message.ts';
import type { Rendered } from './rendering.ts';

export type TextOrder = ConfigValue<'notification.textChannels'>;

/** The order of the text channels as admin last pushed it (notification.textChannels), or the default. */
export const readTextOrder = (db: Kysely<Database>): Promise<TextOrder> =>
  currentConfig(db, 'notification.textChannels');

/**
 * The text channels this message tries, in the order the setting gives for it (or by default),
 * keeping those that can carry it: 알림톡 when Kakao is configured and the message has an
 * approved template with all its values; SMS when it is on.
 */
export function textChannels(deps: NotificationDeps, order: TextOrder, m: Message): Channel[] {
  return (order.byTemplate[m.template] ?? order.default).filter((c) =>
    c === 'ALIMTALK'
      ? Boolean(kakaoAccount(deps.config) && alimtalkOf(m.template, m.vars, m.action?.url ?? null))
      : deps.config.SMS_ENABLED,
  );
}

/** Wakes the dispatcher when the transaction commits (NOTIFY is delivered on commit). */
export const wakeDispatcher = (trx: Transaction<Database>) =>
  sql`select pg_notify('notification_deliveries', current_schema())`.execute(trx);

/** A send as enqueue wrote it: waiting for the dispatcher, or already ended (a text with no number to go to). */
export interface Queued {
  channel: Channel;
  status: 'PENDING' | 'SKIPPED';
  reason: string | null;
}

/** One message's push and SMS sends to write: its event, its rendering and whom it goes to. */
export interface ToQueue {
  event: EventOf<EventType>;
  m: Message;
  rendered: Rendered;
  userId: string;
  to: { channels: Channel[]; fallbacks: Channel[]; noText: string | undefined };
}

/**
 * Writes the push and SMS sends of a transaction's messages in that transaction, with one
 * statement, once per (event, template, channel, person): a redelivered event finds them there
 * and adds nothing. The content is rendered now (an override changed later leaves it as it is);
 * the dispatcher sends them after commit, each on its own, so a push that fails never holds back or
 * undoes the email, and an email retry never pushes twice. A text whose account has no mobile
 * number (`noText`, known from the batch's look-up) is written SKIPPED with why, once, instead of
 * pending and then skipped by the dispatcher; the statement wakes the dispatcher (NOTIFY,
 * delivered on commit) only when it wrote a pending send. Answers each message's sends written now.
 */
export async function enqueue(trx: Transaction<Database>, items: ToQueue[]): Promise<Queued[][]> {
  const values = items.flatMap(({ event, m, rendered, userId, to: { channels, fallbacks, noText } }) => {
    const link = m.action?.url ?? null;
    const alimtalk = alimtalkOf(m.template, m.vars, link);
    const contentOf = (channel: Channel) =>
      JSON.stringify(
        channel === 'PUSH'
          ? { category: m.category, ...rendered.push, link }
          : {
              category: m.category,
              ...rendered.inApp,
              link,
              text: rendered.sms,
              ...(alimtalk && [channel, ...fallbacks].includes('ALIMTALK') ? { alimtalk } : {}),
              ...(fallbacks.length ? { fallbacks } : {}),
            },
      );
    const skipped = (channel: Channel) => (channel !== 'PUSH' && noText) || null;
    return channels.map((channel) => ({
      id: newId(),
      event_id: event.eventId,
      template: m.template,
      channel,
      user_id: userId,
      correlation_id: event.correlationId,
      content: contentOf(channel) as never,
      ...(skipped(channel) ? { status: 'SKIPPED' as const, reason: skipped(channel) } : {}),
    }));
  });
  if (!values.length) return items.map(() => []);
  const rows = await trx
    .insertInto('deliveries')
    .values(values)
    .onConflict((oc) => oc.columns(['event_id', 'template', 'channel', 'user_id']).doNothing())
    .returning([
      'event_id',
      'template',
      'user_id',
      'channel',
      'status',
      'reason',
      sql<string>`case when status = 'PENDING' then pg_notify('notification_deliveries', current_schema())::text end`.as(
        'woke',
      ),
    ])
    .execute();
  const keyOf = (eventId: string, template: string, userId: string) => `${eventId}|${template}|${userId}`;
  const written = Map.groupBy(rows, (r) => keyOf(r.event_id, r.template, r.user_id));
  return items.map(({ event, m, userId, to }) => {
    const mine = written.get(keyOf(event.eventId, m.template, userId)) ?? [];
    // In the message's order of channels, as written.
    return to.channels.flatMap((channel) =>
      mine
        .filter((r) => r.channel === channel)
        .map((r) => ({ channel: r.channel, status: r.status as Queued['status'], reason: r.reason })),
    );
  });
}
