import { describeSchema, type Migrations, sql } from '@mp/platform';

const levels = sql`('IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK')`;

export const migrations: Migrations = {
  '0001_init': describeSchema('inventory service — 재고: stock per SKU, reservations'),
  '0001_stock': {
    async up(db) {
      await db.schema
        .createTable('stock_items')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('on_hand', 'integer', (c) => c.notNull().check(sql`on_hand >= 0`))
        .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0).check(sql`reserved >= 0`))
        .addColumn('threshold', 'integer', (c) => c.notNull().check(sql`threshold >= 0`))
        .addColumn('level', 'text', (c) => c.notNull().defaultTo('IN_STOCK').check(sql`level in ${levels}`))
        .addColumn('prev_level', 'text', (c) =>
          c.notNull().defaultTo('IN_STOCK').check(sql`prev_level in ${levels}`),
        )
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        // Never more reserved than on hand: available can never go below zero.
        .addCheckConstraint('stock_items_reserved_le_on_hand', sql`reserved <= on_hand`)
        .execute();
      await db.schema.createIndex('stock_items_product').on('stock_items').column('product_id').execute();

      await db.schema
        .createTable('reservations')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('RESERVED', 'SOLD', 'RELEASED', 'EXPIRED', 'RETURNED')`),
        )
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('confirmed', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index reservations_due on reservations (expires_at) where status = 'RESERVED'`.execute(
        db,
      );
      await db.schema
        .createTable('reservation_items')
        .addColumn('order_id', 'text', (c) => c.notNull().references('reservations.order_id'))
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
        .addPrimaryKeyConstraint('reservation_items_pk', ['order_id', 'sku'])
        .execute();

      await db.schema
        .createTable('stock_movements')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('delta_on_hand', 'integer', (c) => c.notNull())
        .addColumn('delta_reserved', 'integer', (c) => c.notNull())
        .addColumn('on_hand', 'integer', (c) => c.notNull())
        .addColumn('reserved', 'integer', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('note', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index stock_movements_sku on stock_movements (sku, id desc)`.execute(db);
    },
  },
};
