import type { EventOf, EventType } from '@mp/contracts';
import { newId, sql, type Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { enqueue } from './channels.ts';
import type { Entry } from './history.ts';
import type { Message } from './message.ts';
import type { Recipient } from './recipients.ts';
import { render } from './rendering.ts';
import { wants } from './settings.ts';

/**
 * `이름 <addr>` with the display name as an RFC 2047 encoded word: the SMTP binding (gomail)
 * would otherwise encode the whole header, address included, and refuse it.
 */
export function mailbox(from: string): string {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
  if (!m?.[1] || /^[\x20-\x7e]*$/.test(m[1])) return from.trim();
  return `=?UTF-8?B?${Buffer.from(m[1], 'utf8').toString('base64')}?= <${m[2]}>`;
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

/** An entry for a user's in-app history, written with the rest of its batch's (history.ts recordAll). */
export interface HistoryWrite {
  userId: string;
  entry: Entry;
}

/**
 * Sends one message as its recipient's settings allow (`to`, looked up for the whole batch by
 * recipientsOf before the transaction): email through the Dapr output binding
 * (always, for account and security mail) and an entry for the in-app history (added to
 * `history`, which the handler's `finish` step writes for the whole batch at once), then
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
  history: HistoryWrite[],
): Promise<'sent' | 'failed' | 'skipped'> {
  const { dapr, config, events, log } = deps;
  const userId = m.userId;
  if (!userId && !m.email) {
    log.debug({ template: m.template }, 'no recipient; nothing sent');
    return 'skipped';
  }
  const want = wants(to.settings, m.category);
  // The operator's active wording when the batch is handled (queued sends keep theirs).
  const rendered = render(m, to.overrides);
  const email = want.email ? to.email : undefined;
  const queued = userId ? await enqueue(trx, event, m, rendered, userId, to, to.noText) : [];
  if (!email && !(want.inApp && userId)) return queued.length ? 'sent' : 'skipped';

  const notificationId = newId();
  const now = new Date().toISOString();
  let status: 'SENT' | 'FAILED' = 'SENT';
  let reason = '';
  const recipient = userId ?? m.email ?? '';
  if (email && !to.mailed) {
    try {
      await dapr.invokeBinding(config.EMAIL_BINDING, 'create', rendered.email.html, {
        emailTo: email,
        subject: rendered.email.subject,
        emailFrom: mailbox(config.MAIL_FROM),
      });
      await markMailed(deps, event.eventId, m.template, recipient);
      // Should the batch fail and its events run again one at a time, this one is not mailed twice.
      to.mailed = true;
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
      const failures = await countFailure(deps, event.eventId, m.template, recipient, reason.slice(0, 500));
      if (failures < config.NOTIFICATION_MAX_ATTEMPTS) throw err;
      status = 'FAILED';
    }
  }
  const channel = email ? ('EMAIL' as const) : ('IN_APP' as const);
  if (userId && want.inApp) {
    history.push({
      userId,
      entry: {
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
          ...queued.map((q) => ({ ...q, at: now })),
        ],
      },
    });
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
