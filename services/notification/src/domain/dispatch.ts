import { ApiError, backoffMs, type Selectable, sql } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { DeliveriesTable } from '../db/schema.ts';
import { type FcmClient, FcmError } from '../push/fcm.ts';
import { e164 } from '../sms/phone.ts';
import { SmsError, type Texter } from '../sms/sns.ts';
import { smsText } from './channels.ts';
import { noteDelivery } from './history.ts';

export interface Dispatcher {
  deps: NotificationDeps;
  fcm: FcmClient | undefined;
  texter: Texter | undefined;
}

type Row = Selectable<DeliveriesTable>;
type Outcome =
  | { status: 'SENT' | 'SKIPPED'; reason?: string }
  | { status: 'FAILED'; reason: string }
  | { status: 'RETRY'; reason: string; retryAfterMs?: number | undefined };

/** A claimed send is someone else's again after this long (a crashed replica's lease). */
const LEASE = '2 minutes';

/** Pushes one message to each of the user's devices it has not reached yet. */
async function push(d: Dispatcher, row: Row): Promise<Outcome> {
  if (!d.fcm) return { status: 'SKIPPED', reason: 'push is not configured' };
  const { db, log } = d.deps;
  const devices = await db.selectFrom('devices').select('token').where('user_id', '=', row.user_id).execute();
  const reached = new Set(row.reached);
  let retry: FcmError | undefined;
  let failure: string | undefined;
  for (const { token } of devices.filter((x) => !reached.has(x.token))) {
    try {
      await d.fcm.send(token, {
        title: row.content.title,
        body: row.content.body,
        data: {
          notificationId: row.id,
          template: row.template,
          ...(row.content.link ? { link: row.content.link } : {}),
        },
      });
      reached.add(token);
      await db
        .updateTable('deliveries')
        .set({ reached: sql`array_append(reached, ${token})` as never })
        .where('id', '=', row.id)
        .execute();
    } catch (err) {
      const e = err instanceof FcmError ? err : new FcmError('retry', 'ERROR', (err as Error).message);
      if (e.kind === 'unregistered') {
        // A dead token (app removed, token rotated): forget the device, never try it again.
        await db
          .deleteFrom('devices')
          .where('token', '=', token)
          .where('user_id', '=', row.user_id)
          .execute();
        log.info({ code: e.code, userId: row.user_id }, 'FCM no longer knows a device; removed it');
        failure ??= e.message;
      } else if (e.kind === 'retry') retry = e;
      else failure = e.message;
    }
  }
  if (retry) return { status: 'RETRY', reason: retry.message, retryAfterMs: retry.retryAfterMs };
  if (reached.size) return { status: 'SENT', ...(failure ? { reason: failure } : {}) };
  if (failure) return { status: 'FAILED', reason: failure };
  return { status: 'SKIPPED', reason: 'no registered device' };
}

interface Account {
  phone: string | null;
  status: 'ACTIVE' | 'SUSPENDED' | 'DELETED';
}

/** Texts the account's mobile number (contract 2 gives it) through SNS. */
async function text(d: Dispatcher, row: Row): Promise<Outcome> {
  if (!d.texter) return { status: 'SKIPPED', reason: 'SMS is not configured' };
  let account: Account;
  try {
    account = await d.deps.dapr.invoke<Account>('user', `/internal/users/${encodeURIComponent(row.user_id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404)
      return { status: 'SKIPPED', reason: 'no such account' };
    return { status: 'RETRY', reason: `user could not be reached: ${(err as Error).message}` };
  }
  if (account.status === 'DELETED') return { status: 'SKIPPED', reason: 'the account was deleted' };
  const phone = e164(account.phone);
  if (!phone) return { status: 'SKIPPED', reason: 'no mobile number' };
  try {
    await d.texter.send(phone, row.content.text ?? smsText(row.content.title, row.content.body));
    return { status: 'SENT' };
  } catch (err) {
    const e = err instanceof SmsError ? err : new SmsError('retry', 'ERROR', (err as Error).message);
    return e.kind === 'retry'
      ? { status: 'RETRY', reason: e.message }
      : { status: 'FAILED', reason: e.message };
  }
}

/** Records how a send ended, with notification.sent / notification.failed in the same transaction. */
async function finish(d: Dispatcher, row: Row, o: Outcome): Promise<void> {
  const { db, events, config } = d.deps;
  const reason = o.reason?.slice(0, 500) ?? null;
  const giveUp = o.status === 'RETRY' && row.attempts >= config.DELIVERY_MAX_ATTEMPTS;
  const status = o.status === 'RETRY' ? (giveUp ? 'FAILED' : 'PENDING') : o.status;
  const at = new Date().toISOString();
  const done = await db.transaction().execute(async (trx) => {
    const delayMs = o.status === 'RETRY' ? Math.max(o.retryAfterMs ?? 0, backoffMs(row.attempts)) : 0;
    const changed = await trx
      .updateTable('deliveries')
      .set({
        status,
        reason,
        next_attempt_at: sql`now() + ${`${Math.round(delayMs)} milliseconds`}::interval`,
        updated_at: sql`now()`,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'PENDING')
      .executeTakeFirst();
    if (!changed.numUpdatedRows || status === 'PENDING' || status === 'SKIPPED')
      return changed.numUpdatedRows > 0n;
    const who = {
      userId: row.user_id,
      correlationId: row.correlation_id,
      aggregateKey: `notification:${row.id}`,
    };
    if (status === 'SENT')
      await events.publish(
        trx,
        'notification.sent',
        {
          notificationId: row.id,
          userId: row.user_id,
          channel: row.channel,
          template: row.template,
          sourceEventId: row.event_id,
          sentAt: at,
        },
        who,
      );
    else
      await events.publish(
        trx,
        'notification.failed',
        {
          notificationId: row.id,
          userId: row.user_id,
          channel: row.channel,
          template: row.template,
          sourceEventId: row.event_id,
          reason: reason ?? 'failed',
          failedAt: at,
        },
        who,
      );
    return true;
  });
  if (done && status !== 'PENDING')
    await noteDelivery(d.deps.dapr, row.user_id, row.event_id, row.template, {
      channel: row.channel,
      status,
      reason,
      at,
    }).catch((err) => d.deps.log.warn({ err, id: row.id }, 'could not note the delivery in the history'));
}

/**
 * Sends the push and SMS deliveries that are due: claims a batch (FOR UPDATE SKIP LOCKED, leased so
 * a crashed replica's sends come back), sends each, and records the outcome. A send that FCM or SNS
 * asks to retry waits (Retry-After, or the kit's back-off) until DELIVERY_MAX_ATTEMPTS.
 */
export async function dispatch(d: Dispatcher, batch = 32): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await sql<Row>`
      update deliveries set attempts = attempts + 1, next_attempt_at = now() + ${LEASE}::interval, updated_at = now()
       where id in (select id from deliveries where status = 'PENDING' and next_attempt_at <= now()
                    order by next_attempt_at limit ${batch} for update skip locked)
      returning *`.execute(d.deps.db);
    await Promise.all(
      rows.map(async (row) => {
        try {
          await finish(d, row, row.channel === 'PUSH' ? await push(d, row) : await text(d, row));
        } catch (err) {
          d.deps.log.error(
            { err, id: row.id },
            'a delivery failed unexpectedly; it comes back after its lease',
          );
        }
      }),
    );
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
