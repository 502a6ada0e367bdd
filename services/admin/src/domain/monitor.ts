import { envelope as envelopeSchema } from '@mp/contracts';
import { type Kysely, parseEvent, type RawHandler, redact, sql } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/**
 * Records every delivery: the typed topics (valid or not, since a monitor must show the bad ones
 * too) and the dead-letter topic, where the original topic comes from the CloudEvent. The payload
 * is kept without its secrets and personal data (the kit's redact: addresses, phone numbers,
 * names, emails…), so two weeks of the monitor hold no one's 개인정보.
 */
export function monitorHandler(db: Kysely<Database>, deadLetterTopic: string): RawHandler {
  return async ({ topic, cloudEvent, envelope }) => {
    const deadLetter = topic === deadLetterTopic;
    const originalTopic = deadLetter ? String(cloudEvent.topic ?? cloudEvent.type ?? 'unknown') : topic;
    const env = envelopeSchema.safeParse(envelope);
    const checked = parseEvent(originalTopic, envelope);
    const e = env.success ? env.data : undefined;
    const row = {
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
    try {
      if (row.event_id) {
        await sql`
          insert into event_log (event_id, event_type, topic, source, correlation_id, user_id, occurred_at, valid, problems, dead_letter, envelope)
          values (${row.event_id}, ${row.event_type}, ${row.topic}, ${row.source}, ${row.correlation_id}, ${row.user_id},
                  ${row.occurred_at}, ${row.valid}, ${row.problems}, ${row.dead_letter}, ${row.envelope}::jsonb)
          on conflict (event_id, dead_letter) where event_id is not null
          do update set deliveries = event_log.deliveries + 1`.execute(db);
      } else {
        await db.insertInto('event_log').values(row).execute();
      }
      return 'SUCCESS';
    } catch {
      return 'RETRY';
    }
  };
}

/** The monitor keeps two weeks. */
export async function pruneEventLog(db: Kysely<Database>, keepDays: number): Promise<void> {
  await db
    .deleteFrom('event_log')
    .where('received_at', '<', new Date(Date.now() - keepDays * 86_400_000))
    .execute();
}
