import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('review service — 리뷰: product reviews and ratings'),
  '0001_reviews': {
    async up(db) {
      await db.schema
        .createTable('reviewable_items')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('reviewable_items_pk', ['order_id', 'item_id'])
        .execute();
      await sql`create index reviewable_items_user on reviewable_items (user_id, delivered_at desc)`.execute(
        db,
      );

      await db.schema
        .createTable('reviews')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull().check(sql`rating between 1 and 5`))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('images', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('helpful_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`helpful_count >= 0`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ACTIVE', 'DELETED')`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('deleted_at', 'timestamptz')
        .addUniqueConstraint('reviews_once_per_item', ['order_id', 'item_id'])
        .execute();
      const active = sql`where status = 'ACTIVE'`;
      await sql`create index reviews_latest on reviews (product_id, created_at desc, id desc) ${active}`.execute(
        db,
      );
      await sql`create index reviews_rating on reviews (product_id, rating desc, created_at desc, id desc) ${active}`.execute(
        db,
      );
      await sql`create index reviews_helpful on reviews (product_id, helpful_count desc, created_at desc, id desc) ${active}`.execute(
        db,
      );
      await sql`create index reviews_user on reviews (user_id, created_at desc)`.execute(db);

      await db.schema
        .createTable('helpful_votes')
        .addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('helpful_votes_pk', ['review_id', 'user_id'])
        .execute();

      const nonNegative = (c: string) => sql`${sql.ref(c)} >= 0`;
      let t = db.schema
        .createTable('rating_summaries')
        .addColumn('product_id', 'text', (c) => c.primaryKey());
      for (const col of ['count', 'sum', 'r1', 'r2', 'r3', 'r4', 'r5'])
        t = t.addColumn(col, 'integer', (c) => c.notNull().defaultTo(0).check(nonNegative(col)));
      await t.execute();
    },
  },
};
