import { type ConfigKey, type ConfigValue, systemConfigs } from '@mp/contracts';
import { type Kysely, sql } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** A setting as last pushed by admin, or its default. */
export async function currentConfig<K extends ConfigKey>(
  db: Kysely<Database>,
  key: K,
): Promise<ConfigValue<K>> {
  const row = await db.selectFrom('configs').select('value').where('key', '=', key).executeTakeFirst();
  const parsed = row ? systemConfigs[key].schema.safeParse(row.value) : undefined;
  return (parsed?.success ? parsed.data : systemConfigs[key].default) as ConfigValue<K>;
}

/** Applies a pushed setting if it is newer than the one held; answers the version in force. */
export async function applyConfig(
  db: Kysely<Database>,
  key: ConfigKey,
  value: unknown,
  version: number,
): Promise<number> {
  const { rows } = await sql<{ version: number }>`
    insert into configs (key, value, version, updated_at) values (${key}, ${JSON.stringify(value)}::jsonb, ${version}, now())
    on conflict (key) do update set value = excluded.value, version = excluded.version, updated_at = now()
      where configs.version < excluded.version
    returning version`.execute(db);
  if (rows[0]) return rows[0].version;
  return (await db.selectFrom('configs').select('version').where('key', '=', key).executeTakeFirstOrThrow())
    .version;
}
