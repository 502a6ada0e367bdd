import { type ConfigKey, type ConfigValue, systemConfigs } from '@mp/contracts';
import { type Kysely, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A setting as last pushed by admin, or its default; a stored value that no longer parses falls back too. */
export async function currentConfig<K extends ConfigKey>(db: Db, key: K): Promise<ConfigValue<K>> {
  const row = await db.selectFrom('configs').select('value').where('key', '=', key).executeTakeFirst();
  const parsed = row ? systemConfigs[key].schema.safeParse(row.value) : undefined;
  return (parsed?.success ? parsed.data : systemConfigs[key].default) as ConfigValue<K>;
}

/** Applies a pushed setting if it is newer than the one held; answers the version now in force. */
export async function applyConfig(db: Db, key: ConfigKey, value: unknown, version: number): Promise<number> {
  const { rows } = await sql<{ version: number }>`
    insert into configs (key, value, version, updated_at) values (${key}, ${JSON.stringify(value)}::jsonb, ${version}, now())
    on conflict (key) do update set value = excluded.value, version = excluded.version, updated_at = now()
      where configs.version < excluded.version
    returning version`.execute(db);
  if (rows[0]) return rows[0].version;
  const held = await db
    .selectFrom('configs')
    .select('version')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return held.version;
}

/** The commission rate of an item: the seller's override, else its category's, else the default. */
export function rateFor(
  policy: ConfigValue<'settlement.commission'>,
  sellerId: string,
  categoryId: string | undefined,
): number {
  return (
    policy.bySeller[sellerId] ??
    (categoryId !== undefined ? policy.byCategory[categoryId] : undefined) ??
    policy.defaultRateBp
  );
}
