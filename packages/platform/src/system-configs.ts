/**
 * System settings (시스템 설정) as the service that applies them keeps them: admin
 * validates and stores each value, then pushes every new version to its owner (the catalog's
 * `systemConfigs`) on `PUT /internal/configs/{key}`; the owner keeps the newest version it has
 * seen in its own `configs` table and reads it where it applies. The table is the service's own
 * migration: `configs (key text primary key, value jsonb not null, version bigint not null,
 * updated_at timestamptz not null default now())`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  type ConfigKey,
  type ConfigValue,
  configInForce,
  configPush,
  configsOwnedBy,
  type ServiceName,
  systemConfigs,
} from '@mp/contracts';
import { type Generated, type Kysely, sql, type Transaction } from 'kysely';
import { type App, jsonBody, jsonResponse, problems } from './app.ts';
import { notFound, validationFailed } from './errors.ts';

export interface ConfigsTables {
  configs: { key: string; value: unknown; version: number; updated_at: Generated<Date> };
}
// biome-ignore lint/suspicious/noExplicitAny: any service database that has the configs table
type AnyDb = Kysely<any> | Transaction<any>;

/** A setting as last pushed by admin, or its default; a stored value that no longer parses falls back too. */
export async function currentConfig<K extends ConfigKey>(anyDb: AnyDb, key: K): Promise<ConfigValue<K>> {
  const db = anyDb as Kysely<ConfigsTables>;
  const row = await db.selectFrom('configs').select('value').where('key', '=', key).executeTakeFirst();
  const parsed = row ? systemConfigs[key].schema.safeParse(row.value) : undefined;
  return (parsed?.success ? parsed.data : systemConfigs[key].default) as ConfigValue<K>;
}

/** Applies a pushed setting if it is newer than the one held; answers the version now in force. */
export async function applyConfig(
  anyDb: AnyDb,
  key: ConfigKey,
  value: unknown,
  version: number,
): Promise<number> {
  const db = anyDb as Kysely<ConfigsTables>;
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

const pushConfig = createRoute({
  method: 'put',
  path: '/internal/configs/{key}',
  summary: 'A system setting this service applies, pushed by admin; the newest version wins',
  request: {
    params: z.object({
      key: z
        .string()
        .max(100)
        .openapi({ param: { name: 'key', in: 'path' } }),
    }),
    body: jsonBody(configPush),
  },
  responses: {
    200: jsonResponse(configInForce, 'The setting in force'),
    ...problems(400, 404),
  },
});

/** `PUT /internal/configs/{key}` for the settings `service` owns (404 CONFIG_NOT_FOUND for others). */
export function configRoutes(app: App, db: AnyDb, service: ServiceName): void {
  app.openapi(pushConfig, async (c) => {
    const { key } = c.req.valid('param');
    if (!(configsOwnedBy(service) as string[]).includes(key))
      throw notFound('CONFIG_NOT_FOUND', `${service} applies no setting ${key}`);
    const { value, version } = c.req.valid('json');
    const parsed = systemConfigs[key as ConfigKey].schema.safeParse(value);
    if (!parsed.success)
      throw validationFailed(
        parsed.error.issues.map((i) => ({ path: ['value', ...i.path].join('.'), message: i.message })),
      );
    const inForce = await applyConfig(db, key as ConfigKey, parsed.data, version);
    return c.json({ key, version: inForce, value: await currentConfig(db, key as ConfigKey) }, 200);
  });
}
