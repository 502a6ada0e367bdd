import { type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_daily_signups': {
    async up(db) {
      await db.schema
        .createTable('daily_signups')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_signups_pk', ['day', 'role'])
        .execute();
    },
  },
  '0002_sales_and_activity': {
    async up(db) {
      await sql`
        -- What stats knows of an order; any of its events may come first.
        create table orders (
          order_id text primary key,
          created_at timestamptz,
          -- [{sellerId, gross}] once order.created has been seen
          sellers jsonb,
          paid_at timestamptz,
          paid_amount bigint,
          paid_counted boolean not null default false,
          cancelled_at timestamptz,
          cancelled_counted boolean not null default false,
          completed_at timestamptz
        );
        -- Sales per Korean day and seller; seller_id '' holds the platform's figures (what buyers paid).
        create table sales_daily (
          day date not null,
          seller_id text not null,
          orders integer not null default 0,
          ordered_amount bigint not null default 0,
          paid_orders integer not null default 0,
          paid_amount bigint not null default 0,
          completed_orders integer not null default 0,
          completed_amount bigint not null default 0,
          cancelled_orders integer not null default 0,
          refunds integer not null default 0,
          refunded_amount bigint not null default 0,
          primary key (day, seller_id)
        );
        create index sales_daily_seller on sales_daily (seller_id, day);
        create table counted_refunds (refund_id text primary key);
        create table products_daily (
          day date not null,
          seller_id text not null,
          category_id text not null,
          created integer not null default 0,
          primary key (day, seller_id, category_id)
        );
        create table logins_daily (
          day date primary key,
          logins integer not null default 0,
          users integer not null default 0
        );
        create table login_users (day date not null, user_id text not null, primary key (day, user_id));
        create table coupons_daily (
          day date not null,
          coupon_id text not null,
          uses integer not null default 0,
          discount_amount bigint not null default 0,
          primary key (day, coupon_id)
        );
        -- One stats.daily.calculated per day.
        create table daily_reports (
          day date primary key,
          figures jsonb not null,
          calculated_at timestamptz not null
        );
        create table reports (
          id uuid primary key,
          kind text not null,
          period_from text not null,
          period_to text not null,
          automatic boolean not null,
          requested_by text,
          file_key text not null,
          rows integer not null,
          size integer not null,
          generated_at timestamptz not null
        );
        create unique index reports_automatic_once on reports (kind, period_from) where automatic;
        create table configs (
          key text primary key,
          value jsonb not null,
          version bigint not null,
          updated_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
  '0003_breakdowns_and_members': {
    async up(db) {
      await sql`
        -- The catalog as stats knows it (product.created/updated/deleted, newest version wins):
        -- the category and seller of a product an order names without them.
        create table catalog_products (
          product_id text primary key,
          seller_id text not null,
          category_id text not null,
          name text not null,
          deleted boolean not null default false,
          version integer not null
        );
        -- Ordered sales per Korean day broken down by category, product or payment method (key),
        -- per seller ('' = the platform).
        create table sales_breakdown_daily (
          day date not null,
          dimension text not null check (dimension in ('category', 'product', 'payment')),
          key text not null,
          seller_id text not null,
          orders integer not null default 0,
          quantity integer not null default 0,
          amount bigint not null default 0,
          primary key (day, dimension, key, seller_id)
        );
        -- Account changes per Korean day (user.updated, user.deleted).
        create table members_daily (
          day date not null,
          kind text not null,
          count integer not null default 0,
          primary key (day, kind)
        );
      `.execute(db);
    },
  },
  '0004_views': {
    async up(db) {
      await sql`
        -- Counted product views (product.viewed) per Korean day and product: 상품 조회수.
        create table views_daily (
          day date not null,
          product_id text not null,
          seller_id text not null,
          category_id text not null,
          views integer not null default 0,
          primary key (day, product_id)
        );
        create index views_daily_seller on views_daily (seller_id, day);
      `.execute(db);
    },
  },
};
