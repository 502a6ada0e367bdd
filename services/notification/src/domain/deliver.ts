import type { EventOf, EventType } from '@mp/contracts';
import {
  type Built,
  currentContext,
  newId,
  runInContext,
  sql,
  type Transaction,
  type WorkContext,
} from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { enqueue } from './channels.ts';
import type { Entry } from './history.ts';
import type { Message } from './message.ts';
import type { Recipient } from './recipients.ts';
import { type Rendered, render } from './rendering.ts';
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

/**
 * Notes the emails that went out, outside the handler's transaction (a later retry of the event
 * rolls that back): one statement for all of a transaction's sends.
 */
function markMailed(
  deps: NotificationDeps,
  sent: { eventId: string; template: string; recipient: string }[],
) {
  if (!sent.length) return Promise.resolve();
  return sql`insert into delivery_attempts (event_id, template, user_id, mailed_at)
      select e, t, u, now() from unnest(${sent.map((s) => s.eventId)}::text[], ${sent.map((s) => s.template)}::text[], ${sent.map((s) => s.recipient)}::text[]) as m(e, t, u)
      on conflict (event_id, template, user_id) do update set mailed_at = now(), updated_at = now()`.execute(
    deps.db,
  );
}

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
 * A message `plan` readied in its event's handler: rendered for its recipient; its push and SMS
 * sends, email, in-app entry and `notification.sent` are written and sent by `send`, once per
 * transaction.
 */
export interface Outgoing {
  event: EventOf<EventType>;
  m: Message;
  to: Recipient;
  rendered: Rendered;
  /** Where its email goes; undefined when it gets none. */
  email: string | undefined;
  inApp: boolean;
  /** The event's context (its correlation id and trace), which its `notification.sent` carries on. */
  context: WorkContext | undefined;
}

/**
 * Readies one message as its recipient's settings allow (`to`, looked up for the whole batch by
 * recipientsOf before the transaction), in the operator's wording active now; undefined when it
 * names nobody.
 */
export function plan(
  deps: NotificationDeps,
  event: EventOf<EventType>,
  m: Message,
  to: Recipient,
): Outgoing | undefined {
  if (!m.userId && !m.email) {
    deps.log.debug({ template: m.template }, 'no recipient; nothing sent');
    return undefined;
  }
  const want = wants(to.settings, m.category);
  // The operator's active wording when the batch is handled (queued sends keep theirs).
  const rendered = render(m, to.overrides);
  const email = want.email ? to.email : undefined;
  const inApp = Boolean(want.inApp && m.userId);
  return { event, m, to, rendered, email, inApp, context: currentContext() };
}

/** Emails of one transaction going out at once through the binding, at most this many side by side. */
const MAIL_CONCURRENCY = 8;

/**
 * Sends a transaction's readied messages (`plan`), in its `finish` step: their push and SMS sends
 * written to `deliveries` in the transaction with one statement, for the dispatcher to send after
 * commit (channels.ts); the emails side by side
 * through the Dapr output binding (Dapr's SMTP binding sends one message per request), those that
 * went out marked at once outside the transaction, so that a batch that fails and runs again one
 * event at a time, or is redelivered, mails nobody twice; then each message's in-app entry (returned,
 * for history.ts recordAll) and its `notification.sent`, all written in the transaction with one statement. A send that fails is
 * counted; below NOTIFICATION_MAX_ATTEMPTS it fails the transaction (the handler's events are
 * retried by Dapr, and the mails that went out are not sent again), after it the message is
 * recorded as failed and `notification.failed` is published instead.
 */
export async function send(
  deps: NotificationDeps,
  trx: Transaction<Database>,
  out: Outgoing[],
): Promise<HistoryWrite[]> {
  const { dapr, config, events, log } = deps;
  // Their push and SMS sends, written for the dispatcher (channels.ts), one statement for all.
  const toQueue = out.filter((o) => o.m.userId);
  const written = await enqueue(
    trx,
    toQueue.map((o) => ({ event: o.event, m: o.m, rendered: o.rendered, userId: o.m.userId!, to: o.to })),
  );
  const queued = new Map(toQueue.map((o, i) => [o, written[i]!]));
  const recipientOf = (o: Outgoing) => o.m.userId ?? o.m.email ?? '';
  const mails = out.filter((o) => o.email && !o.to.mailed);
  const sent: Outgoing[] = [];
  const failed: { o: Outgoing; err: unknown }[] = [];
  const next = mails.values();
  const worker = async () => {
    for (let it = next.next(); !it.done; it = next.next()) {
      const o = it.value;
      try {
        await dapr.invokeBinding(config.EMAIL_BINDING, 'create', o.rendered.email.html, {
          emailTo: o.email!,
          subject: o.rendered.email.subject,
          emailFrom: mailbox(config.MAIL_FROM),
        });
        sent.push(o);
      } catch (err) {
        failed.push({ o, err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAIL_CONCURRENCY, mails.length) }, worker));
  await markMailed(
    deps,
    sent.map((o) => ({ eventId: o.event.eventId, template: o.m.template, recipient: recipientOf(o) })),
  );
  // Should the transaction fail and its events run again one at a time, these are not mailed twice.
  for (const o of sent) o.to.mailed = true;
  const given = new Map<Outgoing, string>();
  let retry: unknown;
  for (const { o, err } of failed) {
    const reason = err instanceof Error ? err.message : String(err);
    const failures = await countFailure(
      deps,
      o.event.eventId,
      o.m.template,
      recipientOf(o),
      reason.slice(0, 500),
    );
    if (failures < config.NOTIFICATION_MAX_ATTEMPTS) retry ??= err;
    else given.set(o, reason);
  }
  if (retry !== undefined) throw retry;

  const history: HistoryWrite[] = [];
  const told: Built[] = [];
  for (const o of out) {
    const { event, m, email } = o;
    // Nothing more than its push and texts (the person wants neither an email nor an entry).
    if (!email && !o.inApp) continue;
    const userId = m.userId;
    const notificationId = newId();
    const now = new Date().toISOString();
    const reason = given.get(o) ?? '';
    const status: 'SENT' | 'FAILED' = given.has(o) ? 'FAILED' : 'SENT';
    const channel = email ? ('EMAIL' as const) : ('IN_APP' as const);
    if (userId && o.inApp) {
      history.push({
        userId,
        entry: {
          id: notificationId,
          channel,
          template: m.template,
          category: m.category,
          title: o.rendered.inApp.title,
          body: o.rendered.inApp.body,
          link: m.secret ? null : (m.action?.url ?? null),
          status,
          sourceEventId: event.eventId,
          createdAt: now,
          readAt: null,
          deliveries: [
            ...(email
              ? [{ channel: 'EMAIL' as const, status, reason: reason ? reason.slice(0, 500) : null, at: now }]
              : []),
            ...(queued.get(o) ?? []).map((q) => ({ ...q, at: now })),
          ],
        },
      });
    }
    const who = userId ? { userId } : {};
    const build = (): Built => {
      if (status === 'SENT')
        return events.build(
          'notification.sent',
          {
            notificationId,
            ...who,
            channel,
            template: m.template,
            sourceEventId: event.eventId,
            sentAt: now,
          },
          { ...who, aggregateKey: `notification:${notificationId}` },
        );
      log.warn({ template: m.template, eventId: event.eventId, reason }, 'notification given up');
      return events.build(
        'notification.failed',
        {
          notificationId,
          ...who,
          channel,
          template: m.template,
          reason: reason.slice(0, 500),
          failedAt: now,
        },
        { ...who, aggregateKey: `notification:${notificationId}` },
      );
    };
    // In the context of the event it tells of, as if published by its handler.
    told.push(o.context ? runInContext(o.context, build) : build());
  }
  // Every message's event in one statement.
  await events.write(trx, told);
  return history;
}
