import { type Migrations, sql } from '@mp/platform';
import { backofficeMigrations } from './backoffice-migrations.ts';

export const migrations: Migrations = {
  '0001_event_log': {
    async up(db) {
      await db.schema
        .createTable('event_log')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_id', 'text')
        .addColumn('event_type', 'text')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('correlation_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('occurred_at', 'timestamptz')
        .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('valid', 'boolean', (c) => c.notNull())
        .addColumn('problems', sql`text[]`)
        .addColumn('dead_letter', 'boolean', (c) => c.notNull())
        .addColumn('deliveries', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('envelope', 'jsonb')
        .execute();
      // A redelivered event is one row (its delivery count goes up).
      await sql`create unique index event_log_once on event_log (event_id, dead_letter) where event_id is not null`.execute(
        db,
      );
      await sql`create index event_log_type on event_log (event_type, id desc)`.execute(db);
      await sql`create index event_log_correlation on event_log (correlation_id, id desc)`.execute(db);
      await sql`create index event_log_received on event_log (received_at)`.execute(db);
    },
  },
  ...backofficeMigrations,
};
