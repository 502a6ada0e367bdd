import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('seller service — 판매자: sellers, stores, business info, dashboard'),
  '0002_sellers_stores_business_info': {
    async up(db) {
      // users_db.sellers, stores and business_info; a seller's id is its user id (decision 0001).
      await db.schema
        .createTable('sellers')
        .addColumn('seller_id', 'uuid', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED')`),
        )
        .addColumn('grade', 'text', (c) => c.notNull().defaultTo('NEW'))
        .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('verified_at', 'timestamptz')
        .addColumn('verified_by', 'text')
        .addColumn('rejected_at', 'timestamptz')
        .addColumn('rejection_reason', 'text')
        .addColumn('suspended_at', 'timestamptz')
        .addColumn('suspension_reason', 'text')
        .addColumn('grade_evaluated_at', 'timestamptz')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index sellers_by_status on sellers (status, applied_at desc)`.execute(db);
      await db.schema
        .createTable('stores')
        .addColumn('seller_id', 'uuid', (c) => c.primaryKey().references('sellers.seller_id'))
        .addColumn('store_name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('cs_phone', 'text')
        .addColumn('cs_email', 'text')
        .addColumn('logo_file_id', 'text')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('business_info')
        .addColumn('seller_id', 'uuid', (c) => c.primaryKey().references('sellers.seller_id'))
        // 사업자등록번호, 10 digits without dashes.
        .addColumn('business_number', 'text', (c) => c.notNull())
        .addColumn('representative', 'text', (c) => c.notNull())
        // 통신판매업 신고번호.
        .addColumn('mail_order_number', 'text', (c) => c.notNull())
        .addColumn('business_address', 'text')
        .execute();
      await sql`create index business_info_number on business_info (business_number)`.execute(db);
    },
  },
  '0003_dashboard': {
    async up(db) {
      // What the dashboard is computed from, one row per fact, written by the event handlers.
      await db.schema
        .createTable('seller_orders')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('seller_id', 'uuid', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('item_count', 'integer', (c) => c.notNull())
        .addColumn('ordered_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('seller_orders_pk', ['order_id', 'seller_id'])
        .execute();
      await sql`create index seller_orders_of_seller on seller_orders (seller_id, ordered_at)`.execute(db);
      await db.schema
        .createTable('order_payments')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('order_cancellations')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('cancelled_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('seller_shipments')
        .addColumn('shipment_id', 'text', (c) => c.primaryKey())
        .addColumn('seller_id', 'uuid')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'timestamptz')
        .addColumn('dispatched_at', 'timestamptz')
        .execute();
      await sql`create index seller_shipments_pending on seller_shipments (seller_id) where dispatched_at is null`.execute(
        db,
      );
      await db.schema
        .createTable('seller_settlements')
        .addColumn('settlement_id', 'text', (c) => c.primaryKey())
        .addColumn('seller_id', 'uuid', (c) => c.notNull())
        .addColumn('gross_amount', 'bigint', (c) => c.notNull())
        .addColumn('net_amount', 'bigint', (c) => c.notNull())
        .addColumn('period_start', 'timestamptz', (c) => c.notNull())
        .addColumn('period_end', 'timestamptz', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create index seller_settlements_of_seller on seller_settlements (seller_id, completed_at desc)`.execute(
        db,
      );
    },
  },
  '0004_suspended_with_account': {
    async up(db) {
      // A store the account's suspension closed (admin.user.suspended) goes back to the status it had
      // (PENDING or VERIFIED) when the account is restored; one an admin suspended on its own stays closed.
      await sql`alter table sellers add column suspended_with_account text check (suspended_with_account in ('PENDING', 'VERIFIED'))`.execute(
        db,
      );
    },
  },
  '0005_grade_review_queue': {
    async up(db) {
      // An order's payment, placement or cancellation queues the order (insert only: no seller row is
      // locked on the order path); the grade review worker takes the queue and looks at each seller once.
      await sql`create table grade_review_queue (id bigserial primary key, order_id text not null)`.execute(
        db,
      );
    },
  },
};
