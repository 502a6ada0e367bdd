import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('product service — 상품: products, options and SKUs, categories, listing'),
  '0001_catalog': {
    async up(db) {
      await db.schema
        .createTable('categories')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('parent_id', 'uuid', (c) => c.references('categories.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('depth', 'integer', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      // Sibling names are unique (a root's parent is null, so coalesce).
      await sql`create unique index categories_sibling_name on categories (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))`.execute(
        db,
      );
      await sql`create index categories_path on categories (path text_pattern_ops)`.execute(db);

      await db.schema
        .createTable('products')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('brand', 'text')
        .addColumn('category_id', 'uuid', (c) => c.notNull().references('categories.id'))
        .addColumn('price', 'integer', (c) => c.notNull().check(sql`price >= 0`))
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(sql`status in ('PENDING_REVIEW', 'APPROVED', 'REJECTED', 'DELETED', 'SUSPENDED')`),
        )
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('stock_status', 'text', (c) => c.notNull().defaultTo('OUT_OF_STOCK'))
        .addColumn('sales_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('review_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rating_sum', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('popularity', 'integer', (c) =>
          c.generatedAlwaysAs(sql`sales_count * 10 + review_count * 5 + view_count`).stored(),
        )
        .addColumn('popularity_published', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejection_reason', 'text')
        .addColumn('reviewed_by', 'text')
        .addColumn('approved_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('deleted_at', 'timestamptz')
        .execute();
      // Keyset orders of the public listing (approved products only).
      const approved = sql`where status = 'APPROVED'`;
      await sql`create index products_latest on products (created_at desc, id desc) ${approved}`.execute(db);
      await sql`create index products_price on products (price, id) ${approved}`.execute(db);
      await sql`create index products_popular on products (popularity desc, id desc) ${approved}`.execute(db);
      await sql`create index products_category on products (category_id, created_at desc) ${approved}`.execute(
        db,
      );
      await sql`create index products_seller on products (seller_id, created_at desc)`.execute(db);
      await sql`create index products_review_queue on products (created_at) where status = 'PENDING_REVIEW'`.execute(
        db,
      );

      await db.schema
        .createTable('product_skus')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('product_id', 'uuid', (c) => c.notNull().references('products.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('option_values', 'jsonb', (c) => c.notNull())
        .addColumn('price_delta', 'integer', (c) => c.notNull())
        .addColumn('available', 'integer', (c) => c.notNull())
        .addColumn('stock_status', 'text', (c) => c.notNull())
        .addColumn('stock_version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .execute();
      await db.schema
        .createIndex('product_skus_product')
        .on('product_skus')
        .columns(['product_id', 'position'])
        .execute();

      await db.schema
        .createTable('product_images')
        .addColumn('product_id', 'uuid', (c) => c.notNull().references('products.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('thumbnail_url', 'text')
        .addPrimaryKeyConstraint('product_images_pk', ['product_id', 'position'])
        .execute();

      await db.schema
        .createTable('review_ratings')
        .addColumn('review_id', 'text', (c) => c.primaryKey())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('deleted', 'boolean', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('review_ratings_product')
        .on('review_ratings')
        .column('product_id')
        .execute();

      await db.schema
        .createTable('order_sales')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_sales_pk', ['order_id', 'item_id'])
        .execute();

      await db.schema
        .createTable('product_views')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'uuid', (c) => c.notNull())
        .addColumn('viewed_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('product_views_pk', ['user_id', 'product_id'])
        .execute();
    },
  },
  '0002_seller_standing': {
    async up(db) {
      // Whether a seller is suspended, as seller's events last said (ordered by their own timestamps).
      await db.schema
        .createTable('seller_standing')
        .addColumn('seller_id', 'text', (c) => c.primaryKey())
        .addColumn('suspended', 'boolean', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // The status a product had when its seller was suspended, to return to on reinstatement.
      await db.schema.alterTable('products').addColumn('status_before_suspension', 'text').execute();
    },
  },
  '0003_product_revisions': {
    async up(db) {
      // Edits of an approved product held for review (at most one pending per product).
      await db.schema
        .createTable('product_revisions')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('product_id', 'uuid', (c) => c.notNull().references('products.id'))
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')`),
        )
        .addColumn('change', 'jsonb', (c) => c.notNull())
        .addColumn('rejection_reason', 'text')
        .addColumn('reviewed_by', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('decided_at', 'timestamptz')
        .execute();
      await sql`create unique index product_revisions_pending on product_revisions (product_id) where status = 'PENDING'`.execute(
        db,
      );
      await sql`create index product_revisions_queue on product_revisions (created_at, id) where status = 'PENDING'`.execute(
        db,
      );
      await sql`create index product_revisions_product on product_revisions (product_id, created_at desc)`.execute(
        db,
      );
    },
  },
};
