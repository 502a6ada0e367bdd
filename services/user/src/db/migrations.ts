import { type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_users': {
    async up(db) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('buyer', 'seller', 'admin')`))
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('ACTIVE').check(sql`status in ('ACTIVE', 'SUSPENDED', 'DELETED')`),
        )
        .addColumn('grade', 'text', (c) => c.notNull().defaultTo('BRONZE'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('deleted_at', 'timestamptz')
        .execute();
      // One live account per email, compared case-insensitively; a deleted account frees its email.
      await sql`create unique index users_email_live on users (lower(email)) where deleted_at is null`.execute(
        db,
      );
    },
  },
  '0002_profile_and_addresses': {
    async up(db) {
      await db.schema
        .alterTable('users')
        .addColumn('marketing_consent', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('suspended_at', 'timestamptz')
        .addColumn('suspended_reason', 'text')
        .addColumn('grade_evaluated_at', 'timestamptz')
        .execute();
      await db.schema
        .createTable('addresses')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
        .addColumn('label', 'text')
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('address_detail', 'text')
        .addColumn('zip_code', 'text', (c) => c.notNull())
        .addColumn('is_default', 'boolean', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      // Exactly one default address (기본 배송지) per user: at most one here, at least one by the domain.
      await sql`create unique index addresses_one_default on addresses (user_id) where is_default`.execute(
        db,
      );
      await sql`create index addresses_of_user on addresses (user_id, created_at)`.execute(db);
    },
  },
  '0003_purchases': {
    async up(db) {
      // What the grade (등급) and the purchase counters are computed from, one row per event.
      await db.schema
        .createTable('payments')
        .addColumn('payment_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'uuid')
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create index payments_of_user on payments (user_id, paid_at)`.execute(db);
      await sql`create index payments_of_order on payments (order_id)`.execute(db);
      await db.schema
        .createTable('refunds')
        .addColumn('refund_id', 'text', (c) => c.primaryKey())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('refunded_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create index refunds_of_payment on refunds (payment_id)`.execute(db);
      await db.schema
        .createTable('completed_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create index completed_orders_of_user on completed_orders (user_id)`.execute(db);
      await sql`create index users_grade_due on users (grade_evaluated_at) where grade <> 'BRONZE'`.execute(
        db,
      );
    },
  },
  '0004_email_verified': {
    async up(db) {
      // When the account proved it owns its email (a provider that verified it, or a confirmed
      // password reset); until then a social sign-in with the same verified email takes the account.
      await db.schema.alterTable('users').addColumn('email_verified_at', 'timestamptz').execute();
    },
  },
  '0005_shipments': {
    async up(db) {
      // Parcels sent for an order (shipping.dispatched): the purchase history's 배송중 step.
      await db.schema
        .createTable('shipments')
        .addColumn('shipment_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('tracking_number', 'text', (c) => c.notNull())
        .addColumn('dispatched_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create index shipments_of_order on shipments (order_id)`.execute(db);
    },
  },
};
