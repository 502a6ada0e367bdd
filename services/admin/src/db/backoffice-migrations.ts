import { type Migrations, sql } from '@mp/platform';

/** The back office's tables (admin_db.notices, admin_db.system_configs). */
export const backofficeMigrations: Migrations = {
  '0100_backoffice_notices_configs': {
    async up(db) {
      await sql`
        create table notices (
          id uuid primary key,
          title text not null,
          body text not null,
          audience text not null check (audience in ('ALL', 'BUYERS', 'SELLERS')),
          pinned boolean not null default false,
          status text not null check (status in ('DRAFT', 'PUBLISHED')),
          created_by text not null,
          created_at timestamptz not null,
          updated_at timestamptz not null,
          published_by text,
          published_at timestamptz
        );
        create index notices_status on notices (status, id desc);
        -- Versions never repeat, even across rolled-back changes: an owner applies the highest it has seen.
        create sequence system_config_versions;
        create table system_configs (
          key text primary key,
          value jsonb not null,
          version bigint not null,
          updated_by text not null,
          updated_at timestamptz not null,
          -- The version the owning service last confirmed it applies.
          applied_version bigint
        );
        create table system_config_history (
          id bigserial primary key,
          key text not null,
          value jsonb not null,
          version bigint not null,
          updated_by text not null,
          updated_at timestamptz not null
        );
        create index system_config_history_key on system_config_history (key, id desc);
      `.execute(db);
    },
  },
  '0101_public_notices': {
    async up(db) {
      // GET /api/v1/notices: published only, pinned first, newest first (keyset pages).
      await sql`create index notices_public on notices (pinned desc, published_at desc, id desc) where status = 'PUBLISHED'`.execute(
        db,
      );
    },
  },
  '0102_admin_actions': {
    async up(db) {
      // Admin's decisions it announces (admin.user.suspended, admin.seller.approved): PENDING before
      // the owner is called, DONE with the event in one transaction after (domain/actions.ts).
      await sql`
        create table admin_actions (
          id text primary key,
          kind text not null check (kind in ('USER_SUSPEND', 'SELLER_APPROVE')),
          target_id text not null,
          admin_id text not null,
          reason text,
          status text not null default 'PENDING' check (status in ('PENDING', 'DONE')),
          created_at timestamptz not null default now(),
          done_at timestamptz
        );
        create index admin_actions_pending on admin_actions (created_at) where status = 'PENDING';
      `.execute(db);
    },
  },
  '0103_dead_letter_replay': {
    async up(db) {
      await sql`alter table event_log add column replayed_at timestamptz, add column replayed_by text`.execute(
        db,
      );
    },
  },
};
