import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('payment service — 결제: payments through the PG, refunds'),
  '0002_payments': {
    async up(db) {
      await db.schema
        .createTable('payments')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
        .addColumn('method', 'text', (c) =>
          c.notNull().check(sql`method in ('card', 'transfer', 'virtual_account')`),
        )
        .addColumn('order_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(
              sql`status in ('READY', 'IN_PROGRESS', 'WAITING_FOR_DEPOSIT', 'DONE', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED')`,
            ),
        )
        .addColumn('due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('payment_key', 'text')
        .addColumn('confirm_attempt', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('confirm_started_at', 'timestamptz')
        .addColumn('pg_status', 'text')
        .addColumn('pg_method', 'text')
        .addColumn('pg_transaction_key', 'text')
        .addColumn('approved_at', 'timestamptz')
        .addColumn('failure_code', 'text')
        .addColumn('failure_message', 'text')
        .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('virtual_account', 'jsonb')
        .addColumn('deposit_secret', 'text')
        .addColumn('auto_approve', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('order_cancelled_at', 'timestamptz')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        // Never refunded beyond what was paid.
        .addCheckConstraint('payments_refund_bounded', sql`refunded_amount between 0 and amount`)
        .execute();
      await sql`create index payments_by_user on payments (user_id, id desc)`.execute(db);
      await sql`create index payments_unsettled on payments (status, confirm_started_at) where status in ('IN_PROGRESS', 'WAITING_FOR_DEPOSIT')`.execute(
        db,
      );
      await sql`create index payments_auto on payments (created_at) where status = 'READY' and auto_approve`.execute(
        db,
      );

      await db.schema
        .createTable('refunds')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('payment_id', 'uuid', (c) => c.notNull().references('payments.id'))
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('CANCEL', 'REFUND', 'PG')`))
        .addColumn('refund_request_id', 'text')
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('PENDING').check(sql`status in ('PENDING', 'DONE', 'FAILED')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_error', 'text')
        .addColumn('pg_transaction_key', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('completed_at', 'timestamptz')
        .execute();
      // One cancellation per payment, one refund per refund request, one record per PG transaction:
      // whatever is retried, nothing is refunded twice.
      await sql`create unique index refunds_one_cancel on refunds (payment_id) where kind = 'CANCEL'`.execute(
        db,
      );
      await sql`create unique index refunds_per_request on refunds (payment_id, refund_request_id) where refund_request_id is not null`.execute(
        db,
      );
      await sql`create unique index refunds_per_pg_transaction on refunds (pg_transaction_key) where pg_transaction_key is not null`.execute(
        db,
      );
      await sql`create index refunds_due on refunds (next_attempt_at) where status = 'PENDING'`.execute(db);

      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('cancelled_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('cancelled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
  '0003_payment_methods': {
    async up(db) {
      // 결제 수단: cards saved through Toss's 자동결제 (billing) API. The billing key is sealed at
      // rest and never leaves the service; removed methods stay (payments refer to them) without it.
      await db.schema
        .createTable('payment_methods')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('customer_key', 'text', (c) => c.notNull())
        .addColumn('billing_key_sealed', 'text')
        .addColumn('billing_key_digest', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('card').check(sql`kind in ('card')`))
        .addColumn('issuer_code', 'text', (c) => c.notNull())
        .addColumn('acquirer_code', 'text')
        .addColumn('card_number', 'text', (c) => c.notNull())
        .addColumn('card_type', 'text')
        .addColumn('owner_type', 'text')
        .addColumn('nickname', 'text')
        .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('authenticated_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('deleted_at', 'timestamptz')
        .addColumn('pg_removed_at', 'timestamptz')
        .addCheckConstraint('payment_methods_default_live', sql`not (is_default and deleted_at is not null)`)
        .execute();
      await sql`create index payment_methods_by_user on payment_methods (user_id, created_at desc) where deleted_at is null`.execute(
        db,
      );
      // At most one default method per buyer, whatever races.
      await sql`create unique index payment_methods_one_default on payment_methods (user_id) where is_default`.execute(
        db,
      );
      await sql`create index payment_methods_to_remove on payment_methods (deleted_at) where deleted_at is not null and pg_removed_at is null`.execute(
        db,
      );
      await db.schema
        .alterTable('payments')
        .addColumn('payment_method_id', 'uuid', (c) => c.references('payment_methods.id'))
        .execute();
    },
  },
  '0005_refund_accounts': {
    async up(db) {
      // A deposited virtual account is refunded by bank transfer to the buyer's account (Toss's
      // refundReceiveAccount), given with the return or cancel request and kept sealed until used.
      await db.schema
        .alterTable('refunds')
        .addColumn('refund_account_sealed', 'text')
        // An admin's retry of a refused refund is a new request to the PG: a new idempotency key.
        .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('refund_accounts')
        .addColumn('refund_request_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index refunds_failed on refunds (created_at) where status = 'FAILED'`.execute(db);
    },
  },
  '0004_auto_approve_claims': {
    async up(db) {
      // Headless mode's claim on a payment to pay by itself; one that outlives its worker lapses.
      await db.schema.alterTable('payments').addColumn('auto_approve_claimed_at', 'timestamptz').execute();
    },
  },
  '0006_order_lock': {
    async up(db) {
      // order.created's insert takes the order's lock (lockKey's `payment-order:<id>`, which
      // order.cancelled takes too) and reads a cancellation's mark in one statement: a VOLATILE
      // function's queries each take a snapshot of their own, so the read, after the lock was
      // granted, sees a mark committed while it waited (the calling statement's would not).
      await sql`
        create function order_lock(order_key text) returns table (cancelled_at timestamptz, reason text)
        language plpgsql volatile as $$
        begin
          perform pg_advisory_xact_lock(hashtextextended('payment-order:' || order_key, 0));
          return query select c.cancelled_at, c.reason from cancelled_orders c where c.order_id = order_key;
        end $$`.execute(db);
    },
  },
};
