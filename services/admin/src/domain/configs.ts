/**
 * 시스템 설정: admin keeps every setting (validated by its key's schema) and its history, and hands
 * each new version to the service that applies it, through Dapr. A change is committed only once
 * the owner has taken it (an unreachable owner makes it a 503 and nothing changes). Changes of one
 * key are serialized, and versions come from a sequence that never repeats, so the owner always
 * applies the newest. A reconciler pushes every stored setting again now and then, so an owner
 * that lost its copy, or took a change whose commit here then failed, comes back in line.
 */
import { type CallName, type ConfigKey, type ServiceName, systemConfigs } from '@mp/contracts';
import {
  ApiError,
  conflict,
  type Dapr,
  type Kysely,
  type Logger,
  lockKey,
  type Selectable,
  sql,
  type Transaction,
  unavailable,
  validationFailed,
} from '@mp/platform';
import type { SystemConfigsTable } from '../db/backoffice-schema.ts';
import type { Database } from '../db/schema.ts';

export interface ConfigView {
  key: ConfigKey;
  owner: string;
  description: string;
  value: unknown;
  /** 0 while the key has its default. */
  version: number;
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
  /** The owning service has confirmed it applies this version. */
  applied: boolean;
}

export function viewOf(key: ConfigKey, row: Selectable<SystemConfigsTable> | undefined): ConfigView {
  const spec = systemConfigs[key];
  return {
    key,
    owner: spec.owner,
    description: spec.description,
    value: row?.value ?? spec.default,
    version: row?.version ?? 0,
    isDefault: !row,
    updatedAt: row?.updated_at.toISOString() ?? null,
    updatedBy: row?.updated_by ?? null,
    applied: row ? row.applied_version === row.version : true,
  };
}

export const readConfig = async (db: Kysely<Database>, key: ConfigKey) =>
  viewOf(key, await db.selectFrom('system_configs').selectAll().where('key', '=', key).executeTakeFirst());

/** The call that hands each owner its settings (packages/contracts/src/calls.ts). */
const pushCalls = {
  notification: 'notification.configs.put',
  settlement: 'settlement.configs.put',
  stats: 'stats.configs.put',
} as const satisfies Partial<Record<ServiceName, CallName>>;

function pushCall(owner: ServiceName) {
  const name = (pushCalls as Partial<Record<ServiceName, (typeof pushCalls)[keyof typeof pushCalls]>>)[owner];
  if (!name) throw new Error(`${owner} takes no system settings: no configs call for it in calls.ts`);
  return name;
}

/** Hands a version to its owner; answers the version the owner now applies. */
async function push(dapr: Dapr, key: ConfigKey, value: unknown, version: number): Promise<number> {
  const res = await dapr.call(pushCall(systemConfigs[key].owner), {
    params: { key },
    body: { value, version },
    timeoutMs: 5000,
  });
  return res.version;
}

/** A new version, above `floor` (an owner may hold a version that a failed commit here handed out). */
async function nextVersion(trx: Transaction<Database>, floor = 0): Promise<number> {
  if (floor > 0)
    await sql`select setval('system_config_versions', greatest((select last_value from system_config_versions), ${floor}))`.execute(
      trx,
    );
  return Number(
    (await sql<{ v: string }>`select nextval('system_config_versions') as v`.execute(trx)).rows[0]!.v,
  );
}

export async function writeConfig(
  { db, dapr }: { db: Kysely<Database>; dapr: Dapr },
  key: ConfigKey,
  value: unknown,
  adminId: string,
  expectedVersion: number | undefined,
): Promise<ConfigView> {
  const parsed = systemConfigs[key].schema.safeParse(value);
  if (!parsed.success)
    throw validationFailed(
      parsed.error.issues.map((i) => ({ path: ['value', ...i.path].join('.'), message: i.message })),
    );
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, `system-config:${key}`);
    const current = await trx
      .selectFrom('system_configs')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    if (expectedVersion !== undefined && expectedVersion !== (current?.version ?? 0))
      throw conflict(
        'CONFIG_VERSION_CONFLICT',
        `The setting is at version ${current?.version ?? 0} now; read it again`,
        {
          currentVersion: current?.version ?? 0,
        },
      );
    const version = await nextVersion(trx);
    const updatedAt = new Date();
    const row = {
      key,
      value: JSON.stringify(parsed.data),
      version,
      updated_by: adminId,
      updated_at: updatedAt,
    };
    await trx
      .insertInto('system_configs')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ ...row, applied_version: null }))
      .execute();
    await trx.insertInto('system_config_history').values(row).execute();
    let applied: number;
    try {
      applied = await push(dapr, key, parsed.data, version);
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) throw err;
      throw unavailable(
        'CONFIG_OWNER_UNAVAILABLE',
        `${systemConfigs[key].owner} could not take the setting; nothing was changed`,
      );
    }
    if (applied === version)
      await trx
        .updateTable('system_configs')
        .set({ applied_version: version })
        .where('key', '=', key)
        .execute();
    return viewOf(
      key,
      await trx.selectFrom('system_configs').selectAll().where('key', '=', key).executeTakeFirstOrThrow(),
    );
  });
}

/** Pushes every stored setting again; an owner holding a version unknown here gets the stored value under a new one. */
export async function reconcileConfigs({ db, dapr, log }: { db: Kysely<Database>; dapr: Dapr; log: Logger }) {
  const keys = (await db.selectFrom('system_configs').select('key').execute()).map((r) => r.key as ConfigKey);
  for (const key of keys) {
    if (!Object.hasOwn(systemConfigs, key)) continue;
    await db
      .transaction()
      .execute(async (trx) => {
        await lockKey(trx, `system-config:${key}`);
        const row = await trx
          .selectFrom('system_configs')
          .selectAll()
          .where('key', '=', key)
          .executeTakeFirstOrThrow();
        let applied = await push(dapr, key, row.value, row.version);
        let version = row.version;
        if (applied > version) {
          version = await nextVersion(trx, applied);
          applied = await push(dapr, key, row.value, version);
          await trx.updateTable('system_configs').set({ version }).where('key', '=', key).execute();
        }
        await trx
          .updateTable('system_configs')
          .set({ applied_version: applied === version ? version : null })
          .where('key', '=', key)
          .execute();
      })
      .catch((err) =>
        log.warn({ err, key }, 'could not reconcile a setting with its owner; trying again later'),
      );
  }
}
