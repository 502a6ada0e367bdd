import type { EventOf, EventType } from '@mp/contracts';
import { newId, sql, type Transaction } from '@mp/platform';
import type { Channel, Database } from '../db/schema.ts';
import type { Rendered } from './rendering.ts';
import type { Message } from './templates.ts';

/**
 * The messages a Korean shopper gets a 문자 for: payment done, parcel sent (with its 운송장 number),
 * parcel delivered, order cancelled, refund done. Everything else stays in the app, push and email.
 */
export const textedTemplates = new Set([
  'payment-completed',
  'shipment-dispatched',
  'shipment-delivered',
  'order-cancelled',
  'refund-completed',
]);

/** The SMS text: the brand in brackets first, as Korean senders write it (LMS beyond 90 bytes). */
export const smsText = (title: string, body: string) => `[마켓플레이스] ${title}\n${body}`.slice(0, 600);

/** Wakes the dispatcher when the transaction commits (NOTIFY is delivered on commit). */
export const wakeDispatcher = (trx: Transaction<Database>) =>
  sql`select pg_notify('notification_deliveries', current_schema())`.execute(trx);

/**
 * Writes the push and SMS sends of one message in the handler's transaction, once per
 * (event, template, channel): a redelivered event finds them there and adds nothing. The
 * content is rendered now (an override changed later leaves it as it is); the
 * dispatcher sends them after commit, each on its own, so a push that fails never holds back or
 * undoes the email, and an email retry never pushes twice.
 */
export async function enqueue(
  trx: Transaction<Database>,
  event: EventOf<EventType>,
  m: Message,
  rendered: Rendered,
  userId: string,
  channels: Channel[],
): Promise<Channel[]> {
  if (channels.length === 0) return [];
  const link = m.action?.url ?? null;
  const contentOf = (channel: Channel) =>
    JSON.stringify(
      channel === 'PUSH'
        ? { category: m.category, ...rendered.push, link }
        : { category: m.category, ...rendered.inApp, link, text: rendered.sms },
    );
  const rows = await trx
    .insertInto('deliveries')
    .values(
      channels.map((channel) => ({
        id: newId(),
        event_id: event.eventId,
        template: m.template,
        channel,
        user_id: userId,
        correlation_id: event.correlationId,
        content: contentOf(channel) as never,
      })),
    )
    .onConflict((oc) => oc.columns(['event_id', 'template', 'channel']).doNothing())
    .returning('channel')
    .execute();
  if (rows.length) await wakeDispatcher(trx);
  return rows.map((r) => r.channel);
}
