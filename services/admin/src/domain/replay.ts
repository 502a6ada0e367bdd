/**
 * Dead-letter replay (an admin's): a dead letter the monitor kept is published again, as it was
 * (same event id, topic and envelope), through admin's own outbox. Every subscriber gets it again:
 * those that handled it already answer it as a duplicate (their inbox knows the event id), the one
 * that gave up handles it now. Each dead letter is replayed once (`replayed_at`), in the transaction
 * that writes it to the outbox. Not replayable: a message that broke the catalog's schema (it would
 * be dropped again) or one the monitor kept redacted (a secret field is no longer there).
 */
import { type Kysely, type Selectable, sql, type Transaction } from '@mp/platform';
import type { Database, EventLogTable } from '../db/schema.ts';

export interface ReplayFilter {
  topic?: string | undefined;
  receivedFrom?: Date | undefined;
  receivedTo?: Date | undefined;
  eventIds?: string[] | undefined;
  limit: number;
}

export interface ReplayResult {
  replayed: string[];
  /** Dead letters that matched but are not replayable, with why. */
  skipped: { eventId: string | null; reason: string }[];
}

const redacted = (envelope: unknown) => JSON.stringify(envelope ?? null).includes('"[redacted]"');

const whyNot = (r: Selectable<EventLogTable>): string | undefined =>
  !r.event_id
    ? 'no event id'
    : !r.valid
      ? `it broke the catalog's schema: ${(r.problems ?? []).slice(0, 3).join('; ')}`
      : redacted(r.envelope)
        ? 'the monitor kept it redacted (it carried a secret)'
        : undefined;

/** Writes the envelope to admin's outbox as it was (the relay publishes it to its topic). */
const requeue = (trx: Transaction<Database>, r: Selectable<EventLogTable>) =>
  sql`insert into outbox (event_id, topic, aggregate_key, envelope)
      values (${r.event_id}::uuid, ${r.topic}, ${`replay:${r.event_id}`}, ${JSON.stringify(r.envelope)}::jsonb)
      on conflict (event_id) do update set envelope = excluded.envelope, topic = excluded.topic,
        sent_at = null, attempts = 0, next_attempt_at = now(), last_error = null`.execute(trx);

/** Replays the dead letters the filter names that were not replayed yet. */
export function replayDeadLetters(
  db: Kysely<Database>,
  f: ReplayFilter,
  adminId: string,
): Promise<ReplayResult> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('event_log')
      .selectAll()
      .where('dead_letter', '=', true)
      .where('replayed_at', 'is', null)
      .orderBy('id')
      .limit(f.limit)
      .forUpdate()
      .skipLocked();
    if (f.topic) q = q.where('topic', '=', f.topic);
    if (f.receivedFrom) q = q.where('received_at', '>=', f.receivedFrom);
    if (f.receivedTo) q = q.where('received_at', '<', f.receivedTo);
    if (f.eventIds) q = q.where('event_id', 'in', f.eventIds);
    const rows = await q.execute();
    const out: ReplayResult = { replayed: [], skipped: [] };
    for (const r of rows) {
      const reason = whyNot(r);
      if (reason) {
        out.skipped.push({ eventId: r.event_id, reason });
        continue;
      }
      await requeue(trx, r);
      await trx
        .updateTable('event_log')
        .set({ replayed_at: new Date(), replayed_by: adminId })
        .where('id', '=', r.id)
        .execute();
      out.replayed.push(r.event_id!);
    }
    return out;
  });
}
