import { envelope as envelopeSchema } from '@mp/contracts';
import { type Kysely, parseEvent, type RawDelivery, type RawHandler, redact, sql } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/**
 * Records every delivery: the typed topics (valid or not, since a monitor must show the bad ones
 * too) and the dead-letter topic, where the original topic comes from the CloudEvent. The payload
 * is kept without its secrets and personal data (the kit's redact: addresses, phone numbers,
 * names, emails…), so two weeks of the monitor hold no one's 개인정보.
 *
 * A batch is written in one statement (one commit): its rows with an event id as one upsert, a
 * redelivered event counting up its row's deliveries (a batch holding the same event twice counts
 * it twice), the rare rows without one in the same transaction. A failure answers RETRY for the
 * whole batch, of which nothing was written.
 */
export function monitorHandler(db: Kysely<Database>, deadLetterTopic: string): RawHandler {
  return async (deliveries) => {
    const rows = deliveries.map((d) => rowOf(d, deadLetterTopic));
    // One row per (event, dead letter): an upsert may not touch a row twice.
    const once = new Map<string, MonitorRow & { deliveries: number }>();
    for (const row of rows) {
      if (!row.event_id) continue;
      const key = `${row.dead_letter}:${row.event_id}`;
      const seen = once.get(key);
      if (seen) seen.deliveries += 1;
      else once.set(key, { ...row, deliveries: 1 });
    }
    const anonymous = rows.filter((r) => !r.event_id);
    try {
      const write = async (q: Kysely<Database>) => {
        if (once.size) await upsert(q, [...once.values()]);
        if (anonymous.length) await q.insertInto('event_log').values(anonymous).execute();
      };
      if (once.size && anonymous.length) await db.transaction().execute(write);
      else await write(db);
      return deliveries.map(() => 'SUCCESS' as const);
    } catch {
      return deliveries.map(() => 'RETRY' as const);
    }
  };
}

type MonitorRow = ReturnType<typeof rowOf>;

function rowOf({ topic, cloudEvent, envelope }: RawDelivery, deadLetterTopic: string) {
  const deadLetter = topic === deadLetterTopic;
  const originalTopic = deadLetter ? String(cloudEvent.topic ?? cloudEvent.type ?? 'unknown') : topic;
  const checked = parseEvent(originalTopic, envelope);
  // A valid event's envelope was read by parseEvent; an invalid one's is read again for what it holds.
  const e = checked.ok ? checked.event : envelopeSchema.safeParse(envelope).data;
  return {
    event_id: e?.eventId ?? (typeof cloudEvent.id === 'string' ? cloudEvent.id : null),
    event_type: e?.eventType ?? null,
    topic: originalTopic,
    source: e?.source ?? null,
    correlation_id: e?.correlationId ?? null,
    user_id: e?.userId ?? null,
    occurred_at: e ? new Date(e.timestamp) : null,
    valid: checked.ok,
    problems: checked.ok ? null : checked.problems.slice(0, 20),
    dead_letter: deadLetter,
    envelope: JSON.stringify(redact(envelope ?? null)),
  };
}

/** The rows with an event id, in one statement; a row already there counts the deliveries up. */
function upsert(db: Kysely<Database>, rows: (MonitorRow & { deliveries: number })[]) {
  return db
    .insertInto('event_log')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['event_id', 'dead_letter'])
        .where('event_id', 'is not', null)
        .doUpdateSet({ deliveries: sql`event_log.deliveries + excluded.deliveries` }),
    )
    .execute();
}

/** The monitor keeps two weeks. */
export async function pruneEventLog(db: Kysely<Database>, keepDays: number): Promise<void> {
  await db
    .deleteFrom('event_log')
    .where('received_at', '<', new Date(Date.now() - keepDays * 86_400_000))
    .execute();
}
