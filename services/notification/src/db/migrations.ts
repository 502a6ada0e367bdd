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
  '0003_devices_and_deliveries': {
    async up(db) {
      // Push targets (기기): one row per FCM registration token, owned by the user who registered it last.
      await db.schema
        .createTable('devices')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('ANDROID', 'IOS', 'WEB')`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('devices_user').on('devices').columns(['user_id', 'created_at']).execute();
      // Push and SMS sends: one row per (event, template, channel), written with the event's handling
      // and worked off by the dispatcher, so each channel goes out at most once and retries on its own.
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('PUSH', 'SMS')`))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('content', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('PENDING').check(sql`status in ('PENDING', 'SENT', 'FAILED', 'SKIPPED')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        // Push: the device tokens this message already reached (a retry skips them).
        .addColumn('reached', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('reason', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('deliveries_once', ['event_id', 'template', 'channel'])
        .execute();
      await sql`create index deliveries_due on deliveries (next_attempt_at) where status = 'PENDING'`.execute(
        db,
      );
    },
  },
  '0004_template_overrides': {
    async up(db) {
      // 알림 템플릿: every version an operator saved, per (template, channel); never changed afterwards.
      await db.schema
        .createTable('template_versions')
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) =>
          c.notNull().check(sql`channel in ('EMAIL', 'IN_APP', 'PUSH', 'SMS')`),
        )
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('content', 'jsonb', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('template_versions_pk', ['template', 'channel', 'version'])
        .execute();
      // Which version is in use (null: the code's wording), and the last version number handed out.
      await db.schema
        .createTable('template_overrides')
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('active_version', 'integer')
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('template_overrides_pk', ['template', 'channel'])
        .execute();
      // Who published, rolled back or disabled what, when (the audit trail).
      await db.schema
        .createTable('template_changes')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) =>
          c.notNull().check(sql`action in ('PUBLISHED', 'ROLLED_BACK', 'DISABLED')`),
        )
        .addColumn('version', 'integer')
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('template_changes_template')
        .on('template_changes')
        .columns(['template', 'id'])
        .execute();
    },
  },
  '0005_alimtalk_fanout_and_configs': {
    async up(db) {
      // 알림톡 is a channel of its own (its fallback to SMS is a second row), and one event may now
      // tell several people (the buyer and each seller of an order; a notice's audience): a send is
      // once per (event, template, channel, user).
      await sql`alter table deliveries drop constraint if exists deliveries_channel_check`.execute(db);
      await sql`alter table deliveries add constraint deliveries_channel_check check (channel in ('PUSH', 'SMS', 'ALIMTALK'))`.execute(
        db,
      );
      await sql`alter table deliveries drop constraint deliveries_once`.execute(db);
      await sql`alter table deliveries add constraint deliveries_once unique (event_id, template, channel, user_id)`.execute(
        db,
      );
      await sql`alter table delivery_attempts add column user_id text not null default ''`.execute(db);
      // When the email went out: an event that tells several people is retried whole when one of
      // their emails fails, and the ones already mailed are not mailed again.
      await sql`alter table delivery_attempts add column mailed_at timestamptz`.execute(db);
      await sql`alter table delivery_attempts drop constraint delivery_attempts_pk`.execute(db);
      await sql`alter table delivery_attempts add constraint delivery_attempts_pk primary key (event_id, template, user_id)`.execute(
        db,
      );
      // The role the device's user signed in with when it last registered it (a notice names buyers or
      // sellers); devices registered before have none and get only the notices meant for everyone.
      await sql`alter table devices add column role text`.execute(db);
      await sql`create index devices_role on devices (role, user_id)`.execute(db);
      // System settings admin pushes to notification (notification.textChannels).
      await db.schema
        .createTable('configs')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'jsonb', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};
