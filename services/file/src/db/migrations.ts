import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('file service — 파일: uploads to object storage, image variants'),
  '0001_files': {
    async up(db) {
      await db.schema
        .createTable('files')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size > 0`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('PENDING', 'READY', 'DELETED')`))
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('variants', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('upload_expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('completed_at', 'timestamptz')
        .addColumn('deleted_at', 'timestamptz')
        .execute();
      await sql`create index files_owner on files (owner_id, created_at desc)`.execute(db);
      await sql`create index files_abandoned on files (upload_expires_at) where status = 'PENDING'`.execute(
        db,
      );
    },
  },
  '0002_variant_jobs': {
    async up(db) {
      // The resize work of an image: due when pending, leased to one worker at a time.
      await db.schema
        .alterTable('files')
        .addColumn('variants_pending', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('variant_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('variant_due_at', 'timestamptz')
        .addColumn('variant_error', 'text')
        .execute();
      await sql`create index files_variants_due on files (variant_due_at) where variants_pending`.execute(db);
    },
  },
};
