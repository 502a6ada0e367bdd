import { type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': {
    async up(db) {
      await sql`comment on schema ${sql.id(await currentSchema(db))} is ${sql.lit('payment service — 결제: payments through the PG, refunds')}`.execute(
        db,
      );
    },
  },
};

async function currentSchema(db: Parameters<NonNullable<Migrations[string]>['up']>[0]): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}
