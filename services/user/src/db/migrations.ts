import { type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_users': {
    async up(db) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('buyer', 'seller', 'admin')`))
        .addColumn('status', 'text', (c) =>
          c.notNull().defaultTo('ACTIVE').check(sql`status in ('ACTIVE', 'SUSPENDED', 'DELETED')`),
        )
        .addColumn('grade', 'text', (c) => c.notNull().defaultTo('BRONZE'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('deleted_at', 'timestamptz')
        .execute();
      // One live account per email, compared case-insensitively; a deleted account frees its email.
      await sql`create unique index users_email_live on users (lower(email)) where deleted_at is null`.execute(
        db,
      );
    },
  },
};
