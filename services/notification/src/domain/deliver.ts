import type { EventOf, EventType } from '@mp/contracts';
import { ApiError, newId, sql, type Transaction } from '@mp/platform';
import { type NotificationDeps, pushConfigured } from '../config.ts';
import type { Channel, Database } from '../db/schema.ts';
import { enqueue, textChannels } from './channels.ts';
import { record } from './history.ts';
import type { Message } from './message.ts';
import { overridesFor, render } from './rendering.ts';
import { defaultSettings, readSettings, type Settings, wants } from './settings.ts';
import { textedTemplates } from './template-catalog.ts';

/** The account's address (from `GET /internal/users/{id}`); a deleted or unknown account has none. */
async function addressOf(deps: NotificationDeps, userId: string): Promise<string | undefined> {
  try {
    const a = await deps.dapr.call('user.users.get', { params: { id: userId } });
    return a.status === 'DELETED' ? undefined : a.email;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/** What sending a message needs from other services: its recipient's settings and address. */
export interface Recipient {
  settings: Settings;
  /** Where its email goes, when the settings want one: the event's address or the account's. */
  email: string | undefined;
}

/**
 * Looks the message's recipient up (settings from the state store, the address from user):
 * the handler's `prepare` step, before the consumer transaction opens (events/handlers.ts).
 */
export async function recipientOf(deps: NotificationDeps, m: Message): Promise<Recipient> {
  const settings = m.userId ? await readSettings(deps.dapr, m.userId) : defaultSettings;
  const want = wants(settings, m.category);
  const email = want.email
    ? (m.email ?? (m.userId ? await addressOf(deps, m.userId) : undefined))
    : undefined;
  return { settings, email };
}

/**
 * `이름 <addr>` with the display name as an RFC 2047 encoded word: the SMTP binding (gomail)
 * would otherwise encode the whole header, address included, and refuse it.
 */
export function mailbox(from: string): string {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
  if (!m?.[1] || /^[\x20-\x7e]*$/.test(m[1])) return from.trim();
  return `=?UTF-8?B?${Buffer.from(m[1], 'utf8').toString('base64')}?= <${m[2]}>`;
}

/** Whether this person's email of this event and template went out in an earlier try of the handler. */
async function mailedAlready(deps: NotificationDeps, eventId: string, template: string, userId: string) {
  const row = await deps.db
    .selectFrom('delivery_attempts')
    .select('mailed_at')
    .where('event_id', '=', eventId)
    .where('template', '=', template)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Boolean(row?.mailed_at);
}

/** Notes a sent email outside the handler's transaction (a later retry of the event rolls that back). */
const markMailed = (deps: NotificationDeps, eventId: string, template: string, userId: string) =>
  sql`insert into delivery_attempts (event_id, template, user_id, mailed_at) values (${eventId}, ${template}, ${userId}, now())
      on conflict (event_id, template, user_id) do update set mailed_at = now(), updated_at = now()`.execute(
    deps.db,
  );

/** Counts a failed send outside the handler's transaction (a retry rolls that back). */
async function countFailure(
  deps: NotificationDeps,
  eventId: string,
  template: string,
  userId: string,
  error: string,
) {
  const { rows } = await sql<{ failures: number }>`
    insert into delivery_attempts (event_id, template, user_id, failures, last_error) values (${eventId}, ${template}, ${userId}, 1, ${error})
    on conflict (event_id, template, user_id) do update set failures = delivery_attempts.failures + 1, last_error = excluded.last_error, updated_at = now()
    returning failures`.execute(deps.db);
  return rows[0]!.failures;
}

/**
 * The push and text sends this message gets, as the settings and the service's configuration allow:
 * a text (문자) goes by the first channel of its order (notification.textChannels) that can carry
 * it; the rest are its fallbacks.
 */
async function channelsFor(
  deps: NotificationDeps,
  trx: Transaction<Database>,
  m: Message,
  userId: string,
  want: { push: boolean; sms: boolean },
): Promise<{ channels: Channel[]; fallbacks: Channel[] }> {
  if (m.secret) return { channels: [], fallbacks: [] };
  const out: Channel[] = [];
  if (want.push && pushConfigured(deps.config)) {
    const device = await trx
      .selectFrom('devices')
      .select('token')
      .where('user_id', '=', userId)
      .limit(1)
      .executeTakeFirst();
    if (device) out.push('PUSH');
  }
  const text = want.sms && textedTemplates.has(m.template) ? await textChannels(deps, trx, m) : [];
  return { channels: [...out, ...text.slice(0, 1)], fallbacks: text.slice(1) };
}

/**
 * Sends one message as its recipient's settings allow (`to`, looked up by recipientOf): email through the Dapr output binding
 * (always, for account and security mail) and an entry in the in-app history, then
 * `notification.sent` in the handler's transaction. A send that fails is retried by Dapr
 * (the handler throws) until NOTIFICATION_MAX_ATTEMPTS; then it is recorded as failed and
 * `notification.failed` is published instead. Push and SMS are written to `deliveries` in the same
 * transaction and sent by the dispatcher after commit (channels.ts).
 */
export async function deliver(
  deps: NotificationDeps,
  trx: Transaction<Database>,
  event: EventOf<EventType>,
  m: Message,
  to: Recipient,
): Promise<'sent' | 'failed' | 'skipped'> {
  const { dapr, config, events, log } = deps;
  const userId = m.userId;
  if (!userId && !m.email) {
    log.debug({ template: m.template }, 'no recipient; nothing sent');
    return 'skipped';
  }
  const want = wants(to.settings, m.category);
  // The operator's active wording at the time the event is handled (queued sends keep theirs).
  const rendered = render(m, await overridesFor(trx, m));
  const email = want.email ? to.email : undefined;
  const queued = userId
    ? await enqueue(trx, event, m, rendered, userId, await channelsFor(deps, trx, m, userId, want))
    : [];
  if (!email && !(want.inApp && userId)) return queued.length ? 'sent' : 'skipped';

  const notificationId = newId();
  const now = new Date().toISOString();
  let status: 'SENT' | 'FAILED' = 'SENT';
  let reason = '';
  const recipient = userId ?? m.email ?? '';
  if (email && !(await mailedAlready(deps, event.eventId, m.template, recipient))) {
    try {
      await dapr.invokeBinding(config.EMAIL_BINDING, 'create', rendered.email.html, {
        emailTo: email,
        subject: rendered.email.subject,
        emailFrom: mailbox(config.MAIL_FROM),
      });
      await markMailed(deps, event.eventId, m.template, recipient);
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
      const failures = await countFailure(deps, event.eventId, m.template, recipient, reason.slice(0, 500));
      if (failures < config.NOTIFICATION_MAX_ATTEMPTS) throw err;
      status = 'FAILED';
    }
  }
  const channel = email ? ('EMAIL' as const) : ('IN_APP' as const);
  if (userId && want.inApp) {
    await record(
      dapr,
      userId,
      {
        id: notificationId,
        channel,
        template: m.template,
        category: m.category,
        title: rendered.inApp.title,
        body: rendered.inApp.body,
        link: m.secret ? null : (m.action?.url ?? null),
        status,
        sourceEventId: event.eventId,
        createdAt: now,
        readAt: null,
        deliveries: [
          ...(email
            ? [{ channel: 'EMAIL' as const, status, reason: reason ? reason.slice(0, 500) : null, at: now }]
            : []),
          ...queued.map((c) => ({ channel: c, status: 'PENDING' as const, reason: null, at: now })),
        ],
      },
      config.NOTIFICATION_HISTORY_MAX,
    );
  }
  const who = userId ? { userId } : {};
  if (status === 'SENT') {
    await events.publish(
      trx,
      'notification.sent',
      { notificationId, ...who, channel, template: m.template, sourceEventId: event.eventId, sentAt: now },
      { ...who, aggregateKey: `notification:${notificationId}` },
    );
    return 'sent';
  }
  log.warn({ template: m.template, eventId: event.eventId, reason }, 'notification given up');
  await events.publish(
    trx,
    'notification.failed',
    { notificationId, ...who, channel, template: m.template, reason: reason.slice(0, 500), failedAt: now },
    { ...who, aggregateKey: `notification:${notificationId}` },
  );
  return 'failed';
}
