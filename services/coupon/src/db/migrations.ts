import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('coupon service — 쿠폰: coupons and promotions'),
  '0002_coupons': {
    async up(db) {
      await db.schema
        .createTable('coupons')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('FIXED', 'PERCENT')`))
        .addColumn('value', 'integer', (c) => c.notNull().check(sql`value > 0`))
        .addColumn('min_order_amount', 'bigint', (c) =>
          c.notNull().defaultTo(0).check(sql`min_order_amount >= 0`),
        )
        .addColumn('max_discount', 'bigint', (c) => c.check(sql`max_discount > 0`))
        .addColumn('total_quantity', 'integer', (c) => c.check(sql`total_quantity > 0`))
        .addColumn('issued_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('issuer', 'text', (c) => c.notNull().check(sql`issuer in ('ADMIN', 'SELLER')`))
        .addColumn('seller_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
        .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('ACTIVE').check(sql`status in ('ACTIVE', 'EXPIRED', 'DELETED')`),
        )
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addCheckConstraint('coupons_valid_period', sql`valid_until > valid_from`)
        .addCheckConstraint('coupons_percent_range', sql`type <> 'PERCENT' or value <= 100`)
        // The first-come-first-served guard: the count can never pass the quantity.
        .addCheckConstraint(
          'coupons_not_overissued',
          sql`issued_count >= 0 and (total_quantity is null or issued_count <= total_quantity)`,
        )
        .addCheckConstraint('coupons_seller_funded', sql`(issuer = 'SELLER') = (seller_id is not null)`)
        .execute();
      await sql`create index coupons_expiring on coupons (valid_until) where status = 'ACTIVE'`.execute(db);

      await db.schema
        .createTable('user_coupons')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('coupon_id', 'uuid', (c) => c.notNull().references('coupons.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('ISSUED').check(sql`status in ('ISSUED', 'USED', 'EXPIRED')`),
        )
        .addColumn('order_id', 'text')
        .addColumn('discount_amount', 'bigint')
        .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('used_at', 'timestamptz')
        // One per user and coupon.
        .addUniqueConstraint('user_coupons_once', ['coupon_id', 'user_id'])
        .addCheckConstraint('user_coupons_used_by_order', sql`(status = 'USED') = (order_id is not null)`)
        .execute();
      await sql`create index user_coupons_mine on user_coupons (user_id, issued_at desc)`.execute(db);

      await db.schema
        .createTable('cancelled_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('cancelled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
  '0003_grant_jobs_and_promotions': {
    async up(db) {
      // 전체 발급: one durable job per "issue to every active buyer"; its cursor moves with each batch.
      await db.schema
        .createTable('grant_jobs')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('coupon_id', 'uuid', (c) => c.notNull().references('coupons.id'))
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('RUNNING').check(sql`status in ('RUNNING', 'COMPLETED', 'STOPPED')`),
        )
        .addColumn('stopped_reason', 'text')
        .addColumn('cursor', 'text')
        .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('users_seen', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('granted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('already_held', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('not_granted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('finished_at', 'timestamptz')
        .execute();
      await sql`create index grant_jobs_running on grant_jobs (created_at) where status = 'RUNNING'`.execute(
        db,
      );
      // One running job per coupon: a second request answers the running one.
      await sql`create unique index grant_jobs_one_running on grant_jobs (coupon_id) where status = 'RUNNING'`.execute(
        db,
      );

      // 프로모션/기획전: a period, a banner and the coupons it features.
      await db.schema
        .createTable('promotions')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('banner_file_id', 'text')
        .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
        .addColumn('published', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('owner', 'text', (c) => c.notNull().check(sql`owner in ('ADMIN', 'SELLER')`))
        .addColumn('seller_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addCheckConstraint('promotions_period', sql`ends_at > starts_at`)
        .addCheckConstraint('promotions_seller_owned', sql`(owner = 'SELLER') = (seller_id is not null)`)
        .execute();
      await sql`create index promotions_live on promotions (starts_at desc, id desc) where published`.execute(
        db,
      );
      await db.schema
        .createTable('promotion_coupons')
        .addColumn('promotion_id', 'uuid', (c) => c.notNull().references('promotions.id').onDelete('cascade'))
        .addColumn('coupon_id', 'uuid', (c) => c.notNull().references('coupons.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('promotion_coupons_pk', ['promotion_id', 'coupon_id'])
        .execute();
    },
  },
};
