import { describeSchema, type Migrations, sql } from '@mp/platform';

const statuses = sql.raw(
  `'PENDING_PAYMENT', 'PAID', 'PREPARING', 'SHIPPING', 'DELIVERED', 'COMPLETED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUND_REQUESTED', 'PARTIALLY_REFUNDED', 'REFUNDED'`,
);

export const migrations: Migrations = {
  '0001_init': describeSchema('order service — 주문: cart, orders and their lifecycle'),
  '0002_orders': {
    async up(db) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${statuses})`))
        .addColumn('total_amount', 'bigint', (c) => c.notNull().check(sql`total_amount >= 0`))
        .addColumn('discount_amount', 'bigint', (c) => c.notNull().check(sql`discount_amount >= 0`))
        .addColumn('shipping_fee', 'bigint', (c) => c.notNull().check(sql`shipping_fee >= 0`))
        .addColumn('payable_amount', 'bigint', (c) => c.notNull())
        .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('coupon_id', 'text')
        .addColumn('user_coupon_id', 'text')
        .addColumn('coupon_funded_by', 'text')
        .addColumn('payment_method', 'text', (c) => c.notNull())
        .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
        .addColumn('seller_ids', sql`text[]`, (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('payment_id', 'text')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('payment_due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('paid_at', 'timestamptz')
        .addColumn('delivered_at', 'timestamptz')
        .addColumn('completed_at', 'timestamptz')
        .addColumn('cancelled_at', 'timestamptz')
        .addColumn('cancel_reason', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addCheckConstraint(
          'orders_payable',
          sql`payable_amount = total_amount - discount_amount + shipping_fee`,
        )
        .addCheckConstraint('orders_refund_bounded', sql`refunded_amount between 0 and payable_amount`)
        .execute();
      // One order per buyer and Idempotency-Key, even if the stored answer was lost in a crash.
      await sql`create unique index orders_once_per_key on orders (user_id, idempotency_key) where idempotency_key is not null`.execute(
        db,
      );
      // A coupon serves one live order at a time (two checkouts racing with it: one wins).
      await sql`create unique index orders_coupon_once on orders (user_coupon_id)
        where user_coupon_id is not null and status not in ('CANCELLED', 'PAYMENT_FAILED')`.execute(db);
      await sql`create index orders_by_user on orders (user_id, id desc)`.execute(db);
      await sql`create index orders_unpaid on orders (payment_due_at) where status = 'PENDING_PAYMENT'`.execute(
        db,
      );
      await sql`create index orders_received on orders (delivered_at) where status in ('DELIVERED', 'PARTIALLY_REFUNDED')`.execute(
        db,
      );

      await db.schema
        .createTable('order_items')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('option_values', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('unit_price', 'bigint', (c) => c.notNull().check(sql`unit_price >= 0`))
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
        .addColumn('line_amount', 'bigint', (c) => c.notNull())
        .addColumn('discount_amount', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('refunded_quantity', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('ORDERED')
            .check(sql`status in ('ORDERED', 'REFUND_REQUESTED', 'REFUNDED', 'CONFIRMED')`),
        )
        .addColumn('confirmed_at', 'timestamptz')
        .addCheckConstraint('order_items_refund_bounded', sql`refunded_quantity between 0 and quantity`)
        .execute();
      await sql`create index order_items_by_order on order_items (order_id)`.execute(db);
      await sql`create index order_items_by_seller on order_items (seller_id, order_id desc)`.execute(db);

      await db.schema
        .createTable('order_shipments')
        .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('shipment_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('order_shipments_pk', ['order_id', 'seller_id'])
        .execute();

      await db.schema
        .createTable('order_events')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('order_id', 'uuid', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('source_event_id', 'text')
        .addColumn('data', 'jsonb')
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index order_events_by_order on order_events (order_id, seq)`.execute(db);
      // Append-only (event sourcing): history is never rewritten.
      await sql`create function order_events_append_only() returns trigger language plpgsql as $$
        begin raise exception 'order_events is append-only'; end $$`.execute(db);
      await sql`create trigger order_events_append_only before update or delete on order_events
        for each row execute function order_events_append_only()`.execute(db);

      await db.schema
        .createTable('refund_requests')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('items', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('REQUESTED', 'COMPLETED')`))
        .addColumn('refund_id', 'text')
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('completed_at', 'timestamptz')
        .execute();
      // One open request per order at a time.
      await sql`create unique index refund_requests_one_open on refund_requests (order_id) where status = 'REQUESTED'`.execute(
        db,
      );

      await db.schema
        .createTable('checkout_attempts')
        .addColumn('order_id', 'uuid', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create unique index checkout_attempts_per_key on checkout_attempts (user_id, idempotency_key) where idempotency_key is not null`.execute(
        db,
      );
      await sql`create index checkout_attempts_age on checkout_attempts (created_at)`.execute(db);
    },
  },
  '0003_exchanges': {
    async up(db) {
      // 교환: one seller's delivered items for other options of the same product; no money moves.
      await db.schema
        .createTable('exchanges')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('items', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(sql`status in ('REQUESTED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED', 'CANCELLED')`),
        )
        .addColumn('pickup_shipment_id', 'text')
        .addColumn('pickup_status', 'text')
        .addColumn('delivery_shipment_id', 'text')
        .addColumn('delivery_status', 'text')
        .addColumn('close_reason', 'text')
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('completed_at', 'timestamptz')
        .addColumn('closed_at', 'timestamptz')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index exchanges_by_order on exchanges (order_id, requested_at)`.execute(db);
    },
  },
  '0004_returns': {
    async up(db) {
      // 반품: a refund request after delivery is a return of one seller's lines, refunded only after
      // the seller's inspection (or an admin's); a failed exchange leg ends the exchange FAILED.
      await sql`alter table refund_requests drop constraint refund_requests_status_check`.execute(db);
      await sql`alter table refund_requests add constraint refund_requests_status_check check (status in
        ('REQUESTED', 'PICKUP_FAILED', 'RECEIVED', 'ACCEPTED', 'REJECTED', 'COMPLETED'))`.execute(db);
      await sql`drop index refund_requests_one_open`.execute(db);
      await sql`create unique index refund_requests_one_open on refund_requests (order_id)
        where status in ('REQUESTED', 'PICKUP_FAILED', 'RECEIVED', 'ACCEPTED')`.execute(db);
      await db.schema
        .alterTable('refund_requests')
        .addColumn('seller_id', 'text')
        .addColumn('return_reason', 'text', (c) =>
          c
            .notNull()
            .defaultTo('CHANGE_OF_MIND')
            .check(sql`return_reason in ('CHANGE_OF_MIND', 'SELLER_FAULT')`),
        )
        .addColumn('return_shipment_id', 'text')
        .addColumn('return_shipping_fee', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('refund_amount', 'bigint')
        .addColumn('inspection', 'jsonb')
        .addColumn('pickup_failure', 'text')
        .addColumn('received_at', 'timestamptz')
        .addColumn('inspected_at', 'timestamptz')
        .execute();
      await sql`alter table refund_requests add constraint refund_requests_fee_bounded
        check (return_shipping_fee between 0 and amount and (refund_amount is null or refund_amount = amount - return_shipping_fee))`.execute(
        db,
      );
      await sql`alter table exchanges drop constraint exchanges_status_check`.execute(db);
      await sql`alter table exchanges add constraint exchanges_status_check
        check (status in ('REQUESTED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED'))`.execute(
        db,
      );
    },
  },
  '0005_return_splits': {
    async up(db) {
      // A return inspected in part: its rejected lines split off into a return of their own
      // (REJECTED, for an admin to settle), the accepted ones stay in the original.
      await db.schema.alterTable('refund_requests').addColumn('split_from', 'uuid').execute();
      // The back office's list of returns by status (PICKUP_FAILED, REJECTED: an admin's to settle).
      await sql`create index refund_requests_by_status on refund_requests (status, requested_at desc, id desc)`.execute(
        db,
      );
    },
  },
  '0006_coupon_once_live': {
    async up(db) {
      // A cancelled order gave its coupon back (order.cancelled), whatever its status afterwards: a
      // payment that completed after the cancellation is refunded and the order becomes REFUNDED,
      // while the coupon may already serve the buyer's next order. Only an order never cancelled
      // holds its coupon.
      await sql`drop index orders_coupon_once`.execute(db);
      await sql`create unique index orders_coupon_once on orders (user_coupon_id)
        where user_coupon_id is not null and status not in ('CANCELLED', 'PAYMENT_FAILED') and cancelled_at is null`.execute(
        db,
      );
    },
  },
};
