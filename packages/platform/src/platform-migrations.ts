import { type Generated, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Tables every service has in its own schema. Named 0000_* so they run before a service's own. */
export const platformMigrations: Record<string, Migration> = {
  '0000_platform_outbox_inbox': {
    async up(db: Kysely<unknown>) {
      // Transactional outbox: rows written in the same transaction as the state change.
      await db.schema
        .createTable('outbox')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_id', 'uuid', (c) => c.notNull().unique())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('aggregate_key', 'text')
        .addColumn('envelope', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_error', 'text')
        .addColumn('sent_at', 'timestamptz')
        .execute();
      await sql`create index outbox_pending on outbox (next_attempt_at, seq) where sent_at is null`.execute(
        db,
      );
      await sql`create index outbox_pending_aggregate on outbox (aggregate_key, seq) where sent_at is null`.execute(
        db,
      );
      // NOTIFY is delivered only when the inserting transaction commits: the relay wakes after commit.
      await sql`
        create or replace function outbox_notify() returns trigger language plpgsql as $$
        begin perform pg_notify('outbox', tg_table_schema); return null; end $$`.execute(db);
      await sql`
        create trigger outbox_inserted after insert on outbox
        for each statement execute function outbox_notify()`.execute(db);

      // Idempotent consumption: one row per (event, handler), written in the handler's transaction.
      await db.schema
        .createTable('processed_events')
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .addColumn('handler', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('processed_events_pk', ['event_id', 'handler'])
        .execute();

      // Idempotency-Key on POST routes: the first answer is replayed for the same key and body.
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('body', 'text')
        .addColumn('content_type', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('locked_until', 'timestamptz')
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('idempotency_keys').execute();
      await db.schema.dropTable('processed_events').execute();
      await db.schema.dropTable('outbox').execute();
      await sql`drop function if exists outbox_notify()`.execute(db);
    },
  },
  '0000_platform_outbox_trace_context': {
    // The W3C trace context an event was written in, which the relay publishes it with, so its
    // consumers continue the trace of the request or event that caused it.
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('outbox')
        .addColumn('trace_parent', 'text')
        .addColumn('trace_state', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('outbox').dropColumn('trace_parent').dropColumn('trace_state').execute();
    },
  },
};

/** The kit's tables, for services' Database interfaces. */
export interface PlatformTables {
  outbox: {
    seq: Generated<number>;
    event_id: string;
    topic: string;
    aggregate_key: string | null;
    envelope: unknown;
    created_at: Generated<Date>;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    last_error: string | null;
    sent_at: Date | null;
    /** The W3C `traceparent` / `tracestate` the event was written in (null: none). */
    trace_parent: string | null;
    trace_state: string | null;
  };
  processed_events: { event_id: string; handler: string; processed_at: Generated<Date> };
  idempotency_keys: {
    scope: string;
    key: string;
    request_hash: string;
    status: number | null;
    body: string | null;
    content_type: string | null;
    created_at: Generated<Date>;
    locked_until: Date | null;
  };
}
