import type { Migrations } from '@mp/platform';

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
};
