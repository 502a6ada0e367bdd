import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('shipping service — 배송: shipments, carriers, tracking, returns'),
  '0002_shipments': {
    async up(db) {
      await db.schema
        .createTable('order_splits')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text')
        .addColumn('shipping_address', 'jsonb')
        .addColumn('items', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('correlation_id', 'text')
        .addColumn('cancelled_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('shipments')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('DELIVERY', 'RETURN')`))
        .addColumn('return_of', 'uuid', (c) => c.references('shipments.id'))
        .addColumn('refund_request_id', 'text')
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(
              sql`status in ('REQUESTED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'FAILED', 'CANCELLED')`,
            ),
        )
        .addColumn('recipient', 'jsonb', (c) => c.notNull())
        .addColumn('items', 'jsonb', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) =>
          c.check(sql`carrier in ('CJ', 'LOTTE', 'HANJIN', 'LOGEN', 'POST')`),
        )
        .addColumn('tracking_number', 'text')
        .addColumn('tracking_level', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('estimated_delivery', 'timestamptz')
        .addColumn('reason', 'text')
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('dispatched_at', 'timestamptz')
        .addColumn('delivered_at', 'timestamptz')
        .addColumn('cancelled_at', 'timestamptz')
        .addColumn('failed_at', 'timestamptz')
        .addColumn('last_polled_at', 'timestamptz')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addCheckConstraint(
          'shipments_tracked_when_dispatched',
          sql`status in ('REQUESTED', 'CANCELLED') or tracking_number is not null`,
        )
        .execute();
      // One delivery per seller of an order; one return per delivery and refund request.
      await sql`create unique index shipments_one_per_seller on shipments (order_id, seller_id) where kind = 'DELIVERY'`.execute(
        db,
      );
      await sql`create unique index shipments_one_return on shipments (return_of, coalesce(refund_request_id, '')) where kind = 'RETURN'`.execute(
        db,
      );
      await sql`create unique index shipments_tracking_number on shipments (carrier, tracking_number) where tracking_number is not null and kind = 'DELIVERY'`.execute(
        db,
      );
      await sql`create index shipments_by_order on shipments (order_id)`.execute(db);
      await sql`create index shipments_by_seller on shipments (seller_id, id desc)`.execute(db);
      await sql`create index shipments_by_user on shipments (user_id, id desc)`.execute(db);
      await sql`create index shipments_in_flight on shipments (last_polled_at nulls first) where status in ('DISPATCHED', 'IN_TRANSIT')`.execute(
        db,
      );

      await db.schema
        .createTable('tracking_events')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('shipment_id', 'uuid', (c) => c.notNull().references('shipments.id'))
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('tracking_events_once', ['shipment_id', 'level', 'kind', 'occurred_at'])
        .execute();
    },
  },
  '0003_exchanges': {
    async up(db) {
      // 교환: a pickup (회수) of the old items and a delivery of the new ones, per exchange.
      await sql`alter table shipments drop constraint shipments_kind_check`.execute(db);
      await sql`alter table shipments add constraint shipments_kind_check
        check (kind in ('DELIVERY', 'RETURN', 'EXCHANGE_PICKUP', 'EXCHANGE_DELIVERY'))`.execute(db);
      await db.schema.alterTable('shipments').addColumn('exchange_id', 'text').execute();
      await sql`create unique index shipments_one_leg_per_exchange on shipments (exchange_id, kind) where exchange_id is not null`.execute(
        db,
      );
    },
  },
  '0004_return_pickups': {
    async up(db) {
      // 반품 회수: a pickup the carrier refused fails before any invoice exists.
      await sql`alter table shipments drop constraint shipments_tracked_when_dispatched`.execute(db);
      await sql`alter table shipments add constraint shipments_tracked_when_dispatched
        check (status in ('REQUESTED', 'CANCELLED') or tracking_number is not null
               or (kind = 'RETURN' and status = 'FAILED'))`.execute(db);
      await sql`create index shipments_pickups_due on shipments (requested_at) where kind = 'RETURN' and status = 'REQUESTED'`.execute(
        db,
      );
    },
  },
};
