import { type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': {
    async up(db) {
      await sql`comment on schema ${sql.id(await currentSchema(db))} is ${sql.lit('user service — 사용자: sign-up, profiles, addresses, wishlist, recent views, grades')}`.execute(db);
    },
  },
};

async function currentSchema(db: Parameters<NonNullable<Migrations[string]>['up']>[0]): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}
