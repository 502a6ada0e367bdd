import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('search service — 검색: product search, autocomplete, popular terms'),
  '0001_index': {
    async up(db) {
      // pg_trgm lives in public (the set-up creates it in every database); make sure of it here too.
      await sql`create extension if not exists pg_trgm with schema public`.execute(db);
      await sql`
        create table search_documents (
          product_id text primary key,
          seller_id text not null default '',
          name text not null default '',
          brand text,
          category_id text not null default '',
          category_path text[] not null default '{}',
          price integer not null default 0,
          status text not null default 'PENDING_REVIEW',
          deleted boolean not null default false,
          thumbnail_url text,
          stock integer not null default 0,
          stock_status text not null default 'OUT_OF_STOCK',
          popularity integer not null default 0,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          name_c text not null default '',
          search_text text not null default '',
          bigrams text[] not null default '{}',
          version integer not null default 0,
          stock_version integer not null default 0,
          visible boolean generated always as (status = 'APPROVED' and not deleted) stored
        )`.execute(db);
      const visible = sql`where visible`;
      await sql`create index search_documents_trgm on search_documents using gin (search_text public.gin_trgm_ops) ${visible}`.execute(
        db,
      );
      await sql`create index search_documents_bigrams on search_documents using gin (bigrams) ${visible}`.execute(
        db,
      );
      await sql`create index search_documents_category on search_documents using gin (category_path) ${visible}`.execute(
        db,
      );
      await sql`create index search_documents_popular on search_documents (popularity desc, product_id desc) ${visible}`.execute(
        db,
      );
      await sql`create index search_documents_price on search_documents (price, product_id) ${visible}`.execute(
        db,
      );
      await sql`create index search_documents_latest on search_documents (created_at desc, product_id desc) ${visible}`.execute(
        db,
      );

      await sql`
        create table search_suggestions (
          product_id text not null,
          key text not null,
          name text not null,
          popularity integer not null,
          primary key (product_id, key)
        )`.execute(db);
      await sql`create index search_suggestions_key on search_suggestions (key text_pattern_ops, popularity desc)`.execute(
        db,
      );
      // The product version the suggestions of a product were made from (they follow events in version order).
      await sql`create table search_suggestion_sources (product_id text primary key, version integer not null)`.execute(
        db,
      );

      await sql`
        create table search_term_counts (
          term text not null,
          hour timestamptz not null,
          count integer not null,
          primary key (term, hour)
        )`.execute(db);
      await sql`create index search_term_counts_hour on search_term_counts (hour)`.execute(db);
      await sql`create table search_terms (term text primary key, jamo text not null, last_at timestamptz not null)`.execute(
        db,
      );
      await sql`create index search_terms_jamo on search_terms (jamo text_pattern_ops)`.execute(db);
    },
  },
  '0002_orders': {
    async up(db) {
      // The orders index: admin and seller order search (matching inside product names and the recipient).
      await sql`
        create table order_documents (
          order_id text primary key,
          user_id text not null,
          seller_ids text[] not null default '{}',
          status text not null,
          status_at timestamptz not null,
          items jsonb not null default '[]',
          recipient text,
          payment_method text,
          total_amount integer not null default 0,
          payable_amount integer not null default 0,
          refunded_amount integer not null default 0,
          search_text text not null default '',
          seller_texts jsonb not null default '{}',
          created_at timestamptz,
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`create index order_documents_latest on order_documents (created_at desc, order_id desc)`.execute(
        db,
      );
      await sql`create index order_documents_sellers on order_documents using gin (seller_ids)`.execute(db);
      await sql`create index order_documents_user on order_documents (user_id, created_at desc)`.execute(db);
      await sql`create index order_documents_text on order_documents using gin (search_text public.gin_trgm_ops)`.execute(
        db,
      );
    },
  },
};
