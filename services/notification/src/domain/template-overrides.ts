/**
 * 알림 템플릿 관리: operators' overrides of the code's wording, versioned per (template, channel).
 * Publishing saves a new version and makes it the active one; a rollback makes an earlier version
 * active again; disabling goes back to the code's wording. Every change is logged with who made it.
 * Delivery reads the active versions of a delivered batch's templates once, just before it handles
 * the batch (no cache: a change applies to the next batch at once, on every replica).
 */
import { conflict, jsonb, type Kysely, notFound, sql } from '@mp/platform';
import type { Database, TemplateChannel, TemplateParts } from '../db/schema.ts';
import { channelsOf, partsOf, templateCatalog } from './template-catalog.ts';
import { assertValid, problemsOf, specOf } from './template-rules.ts';

type Db = Kysely<Database>;

export type Overrides = Partial<Record<TemplateChannel, TemplateParts>>;

/** The active override of each channel of a template (channels without one use the code's wording). */
export const activeOverrides = async (db: Db, template: string): Promise<Overrides> =>
  (await activeOverridesOf(db, [template])).get(template) ?? {};

/** The active overrides of several templates in one statement: a template without any is absent. */
export async function activeOverridesOf(db: Db, templates: string[]): Promise<Map<string, Overrides>> {
  const out = new Map<string, Overrides>();
  if (!templates.length) return out;
  const rows = await db
    .selectFrom('template_overrides as o')
    .innerJoin('template_versions as v', (j) =>
      j
        .onRef('v.template', '=', 'o.template')
        .onRef('v.channel', '=', 'o.channel')
        .onRef('v.version', '=', 'o.active_version'),
    )
    .select(['v.template', 'v.channel', 'v.content'])
    .where(sql<boolean>`o.template = any(${[...new Set(templates)]}::text[])`)
    .execute();
  for (const r of rows) out.set(r.template, { ...out.get(r.template), [r.channel]: r.content });
  return out;
}

/** Saves a new version of one channel's override and makes it active. */
export async function publishVersion(
  db: Db,
  template: string,
  channel: TemplateChannel,
  parts: TemplateParts,
  adminId: string,
): Promise<number> {
  const spec = specOf(template, channel);
  assertValid(spec, channel, parts);
  const content = Object.fromEntries(partsOf[channel].map((p) => [p, parts[p]]));
  return db.transaction().execute(async (trx) => {
    // The upsert locks the (template, channel) row: concurrent saves get consecutive versions.
    const { latest_version: version } = await trx
      .insertInto('template_overrides')
      .values({ template, channel, active_version: 1, latest_version: 1, updated_by: adminId })
      .onConflict((oc) =>
        oc.columns(['template', 'channel']).doUpdateSet({
          latest_version: sql`template_overrides.latest_version + 1`,
          active_version: sql`template_overrides.latest_version + 1`,
          updated_by: adminId,
          updated_at: sql`now()`,
        }),
      )
      .returning('latest_version')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('template_versions')
      .values({ template, channel, version, content: jsonb(content), created_by: adminId })
      .execute();
    await trx
      .insertInto('template_changes')
      .values({ template, channel, action: 'PUBLISHED', version, changed_by: adminId })
      .execute();
    return version;
  });
}

/** Makes an earlier version active again (it must still satisfy today's rules). */
export async function rollBack(
  db: Db,
  template: string,
  channel: TemplateChannel,
  version: number,
  adminId: string,
) {
  const spec = specOf(template, channel);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('template_versions')
      .select('content')
      .where('template', '=', template)
      .where('channel', '=', channel)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row)
      throw notFound('TEMPLATE_VERSION_NOT_FOUND', `${template} has no ${channel} version ${version}`);
    const problems = problemsOf(spec, channel, row.content);
    if (problems.length)
      throw conflict('TEMPLATE_VERSION_OUTDATED', `Version ${version} no longer fits the template`, {
        errors: problems,
      });
    await trx
      .updateTable('template_overrides')
      .set({ active_version: version, updated_by: adminId, updated_at: sql`now()` })
      .where('template', '=', template)
      .where('channel', '=', channel)
      .execute();
    await trx
      .insertInto('template_changes')
      .values({ template, channel, action: 'ROLLED_BACK', version, changed_by: adminId })
      .execute();
  });
}

/** Goes back to the code's wording for one channel (idempotent; the versions are kept). */
export async function disable(db: Db, template: string, channel: TemplateChannel, adminId: string) {
  specOf(template, channel);
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('template_overrides')
      .set({ active_version: null, updated_by: adminId, updated_at: sql`now()` })
      .where('template', '=', template)
      .where('channel', '=', channel)
      .where('active_version', 'is not', null)
      .executeTakeFirst();
    if (changed.numUpdatedRows > 0n)
      await trx
        .insertInto('template_changes')
        .values({ template, channel, action: 'DISABLED', version: null, changed_by: adminId })
        .execute();
  });
}

/** Templates with their variables and each channel's active version. */
export async function templateViews(db: Db, only?: string) {
  const rows = await db
    .selectFrom('template_overrides')
    .selectAll()
    .$if(only !== undefined, (q) => q.where('template', '=', only!))
    .execute();
  return Object.entries(templateCatalog)
    .filter(([template]) => only === undefined || template === only)
    .map(([template, spec]) => ({
      template,
      description: spec.description,
      variables: Object.entries(spec.variables).map(([name, x]) => ({ name, ...x })),
      channels: channelsOf(template, spec).map((channel) => {
        const row = rows.find((r) => r.template === template && r.channel === channel);
        return {
          channel,
          parts: [...partsOf[channel]],
          required: partsOf[channel].flatMap((p) => (spec.required?.[p] ?? []).map((name) => `${p}:${name}`)),
          activeVersion: row?.active_version ?? null,
          latestVersion: row?.latest_version ?? 0,
          updatedBy: row?.updated_by ?? null,
          updatedAt: row?.updated_at.toISOString() ?? null,
        };
      }),
    }));
}

/** One template with every saved version and the last changes, newest first. */
export async function templateDetail(db: Db, template: string) {
  specOf(template);
  const [view] = await templateViews(db, template);
  const versions = await db
    .selectFrom('template_versions')
    .selectAll()
    .where('template', '=', template)
    .orderBy('channel')
    .orderBy('version', 'desc')
    .execute();
  const changes = await db
    .selectFrom('template_changes')
    .selectAll()
    .where('template', '=', template)
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  const active = new Map(view!.channels.map((c) => [c.channel, c.activeVersion]));
  return {
    ...view!,
    versions: versions.map((v) => ({
      channel: v.channel,
      version: v.version,
      content: v.content,
      active: active.get(v.channel) === v.version,
      createdBy: v.created_by,
      createdAt: v.created_at.toISOString(),
    })),
    changes: changes.map((c) => ({
      channel: c.channel,
      action: c.action,
      version: c.version,
      changedBy: c.changed_by,
      changedAt: c.changed_at.toISOString(),
    })),
  };
}
