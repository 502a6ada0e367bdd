import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('notification service — 알림: email, SMS and push notifications'),
  '0002_delivery_attempts': {
    async up(db) {
      // Failed sends of one message, counted outside the handler's transaction (which a retry rolls back).
      await db.schema
        .createTable('delivery_attempts')
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('delivery_attempts_pk', ['event_id', 'template'])
        .execute();
    },
  },
};
