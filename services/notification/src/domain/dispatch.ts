import type { InternalUser } from '@mp/contracts';
import { ApiError, backoffMs, jsonb, newId, type Selectable, sql, type Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Channel, Database, DeliveriesTable } from '../db/schema.ts';
import { type KakaoClient, KakaoError, kakaoPhone } from '../kakao/bizmessage.ts';
import { type FcmClient, FcmError } from '../push/fcm.ts';
import { e164 } from '../sms/phone.ts';
import { SmsError, type Texter } from '../sms/sns.ts';
import { wakeDispatcher } from './channels.ts';
import { type DeliveryNote, noteDeliveries } from './history.ts';
import { smsText } from './template-text.ts';

export interface Dispatcher {
  deps: NotificationDeps;
  fcm: FcmClient | undefined;
  texter: Texter | undefined;
  kakao: KakaoClient | undefined;
}

type Row = Selectable<DeliveriesTable>;
/** `fallback`: the next text channel (row.content.fallbacks) takes over when this one ends without sending. */
type Outcome =
  | { status: 'SENT' | 'SKIPPED'; reason?: string; fallback?: boolean }
  | { status: 'FAILED'; reason: string; fallback?: boolean }
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

/** The account's mobile number in E.164 (`GET /internal/users/{id}` gives it), or how the send ends without one. */
async function phoneOf(d: Dispatcher, row: Row): Promise<string | Outcome> {
  let account: InternalUser;
  try {
    account = await d.deps.dapr.call('user.users.get', { params: { id: row.user_id } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404)
      return { status: 'SKIPPED', reason: 'no such account' };
    return { status: 'RETRY', reason: `user could not be reached: ${(err as Error).message}` };
  }
  if (account.status === 'DELETED') return { status: 'SKIPPED', reason: 'the account was deleted' };
  return e164(account.phone) ?? { status: 'SKIPPED', reason: 'no mobile number' };
}

/** Texts the account's mobile number through SNS. */
async function text(d: Dispatcher, row: Row): Promise<Outcome> {
  if (!d.texter) return { status: 'SKIPPED', reason: 'SMS is not configured', fallback: true };
  const phone = await phoneOf(d, row);
  if (typeof phone !== 'string') return phone;
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

/**
 * Sends a 카카오 알림톡 (the approved template and values the row was written with). Kakao's
 * refusals — no KakaoTalk on the number (K101), a bad number, a template that does not match —
 * fail it at once and the next text channel takes over; a busy Kakao is retried, then falls back too.
 */
async function talk(d: Dispatcher, row: Row): Promise<Outcome> {
  const a = row.content.alimtalk;
  if (!d.kakao || !a) return { status: 'SKIPPED', reason: '알림톡 is not configured', fallback: true };
  const phone = await phoneOf(d, row);
  if (typeof phone !== 'string') return phone;
  try {
    await d.kakao.send({
      cid: row.id,
      template_code: a.templateCode,
      phone_number: kakaoPhone(phone),
      message: a.message,
      ...(a.button ? { button: a.button } : {}),
    });
    return { status: 'SENT' };
  } catch (err) {
    const e = err instanceof KakaoError ? err : new KakaoError('retry', 'ERROR', (err as Error).message);
    return e.kind === 'retry'
      ? { status: 'RETRY', reason: e.message }
      : { status: 'FAILED', reason: e.message, fallback: true };
  }
}

/** Writes the next text channel's send of the same message (once), when this one gave up. */
async function fallBack(trx: Transaction<Database>, row: Row): Promise<Channel | undefined> {
  const [next, ...rest] = row.content.fallbacks ?? [];
  if (!next) return undefined;
  const { fallbacks: _done, ...content } = row.content;
  const added = await trx
    .insertInto('deliveries')
    .values({
      id: newId(),
      event_id: row.event_id,
      template: row.template,
      channel: next,
      user_id: row.user_id,
      correlation_id: row.correlation_id,
      content: jsonb({ ...content, ...(rest.length ? { fallbacks: rest } : {}) }),
    })
    .onConflict((oc) => oc.columns(['event_id', 'template', 'channel', 'user_id']).doNothing())
    .returning('channel')
    .executeTakeFirst();
  if (added) await wakeDispatcher(trx);
  return added?.channel;
}

/**
 * Records how a send ended, with notification.sent / notification.failed in the same transaction;
 * answers what the history's entry is to note (the outcome, and the fallback channel now pending).
 */
async function finish(d: Dispatcher, row: Row, o: Outcome): Promise<DeliveryNote[]> {
  const { db, events, config } = d.deps;
  const reason = o.reason?.slice(0, 500) ?? null;
  const giveUp = o.status === 'RETRY' && row.attempts >= config.DELIVERY_MAX_ATTEMPTS;
  const status = o.status === 'RETRY' ? (giveUp ? 'FAILED' : 'PENDING') : o.status;
  const at = new Date().toISOString();
  let next: Channel | undefined;
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
    if (!changed.numUpdatedRows) return false;
    if (status === 'FAILED' || (status === 'SKIPPED' && 'fallback' in o && o.fallback))
      next = await fallBack(trx, row);
    if (status === 'PENDING' || status === 'SKIPPED') return true;
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
  if (!done || status === 'PENDING') return [];
  const note = (channel: Channel, s: DeliveryNote['delivery']['status'], why: string | null) => ({
    userId: row.user_id,
    sourceEventId: row.event_id,
    template: row.template,
    delivery: { channel, status: s, reason: why, at },
  });
  return [note(row.channel, status, reason), ...(next ? [note(next, 'PENDING', null)] : [])];
}

/**
 * Sends the push and SMS deliveries that are due: claims a batch (FOR UPDATE SKIP LOCKED, leased so
 * a crashed replica's sends come back), sends each, records the outcome, and notes the batch's
 * outcomes on their history entries at once (each person's history read and written once). A send that FCM or SNS
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
    const notes = await Promise.all(
      rows.map(async (row) => {
        try {
          const send = row.channel === 'PUSH' ? push : row.channel === 'ALIMTALK' ? talk : text;
          return await finish(d, row, await send(d, row));
        } catch (err) {
          d.deps.log.error(
            { err, id: row.id },
            'a delivery failed unexpectedly; it comes back after its lease',
          );
          return [];
        }
      }),
    );
    // The batch's outcomes on their history entries: each person's history read and written once.
    await noteDeliveries(d.deps.dapr, notes.flat()).catch((err) =>
      d.deps.log.warn({ err, ids: rows.map((r) => r.id) }, 'could not note the deliveries in the history'),
    );
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
