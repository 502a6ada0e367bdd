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
};
