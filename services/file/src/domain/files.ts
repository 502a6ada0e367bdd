import {
  type EventPublisher,
  isId,
  type Kysely,
  notFound,
  type Principal,
  publishOptions,
  type Selectable,
  type Transaction,
} from '@mp/platform';
import type { Database, FilesTable } from '../db/schema.ts';
import type { CdnInvalidator } from '../storage/cdn.ts';
import type { ObjectStore } from '../storage/objects.ts';
import { purposes } from './purposes.ts';

export type FileRow = Selectable<FilesTable>;

export interface FileParts {
  db: Kysely<Database>;
  events: EventPublisher;
  store: ObjectStore;
  cdn: CdnInvalidator;
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
}

export async function findFile(db: Kysely<Database> | Transaction<Database>, id: string, lock = false) {
  if (!isId(id)) return undefined;
  let q = db.selectFrom('files').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The file if the caller owns it (or is an admin); anyone else sees nothing. */
export async function ownedFile(
  db: Kysely<Database> | Transaction<Database>,
  who: Principal,
  id: string,
  lock = false,
) {
  const f = await findFile(db, id, lock);
  if (!f || f.status === 'DELETED' || (who.role !== 'admin' && f.owner_id !== who.userId))
    throw notFound('FILE_NOT_FOUND', 'No such file');
  return f;
}

/** The metadata `GET /internal/files/{id}` gives other services: download URLs of the original and of each variant. */
export async function fileView(parts: Pick<FileParts, 'store' | 'downloadTtlSeconds'>, f: FileRow) {
  const purpose = purposes[f.purpose];
  const urlOf = (key: string) =>
    purpose?.public
      ? Promise.resolve(parts.store.publicUrl(key))
      : parts.store.presignGet(key, parts.downloadTtlSeconds, f.filename);
  const variants = Object.fromEntries(
    await Promise.all(
      Object.entries(f.variants).map(async ([name, key]) => [name, await urlOf(key)] as const),
    ),
  );
  return {
    fileId: f.id,
    ownerId: f.owner_id,
    status: f.status,
    contentType: f.content_type,
    size: Number(f.size),
    purpose: f.purpose,
    filename: f.filename,
    url: await urlOf(f.key),
    variants,
    width: f.width,
    height: f.height,
    createdAt: f.created_at.toISOString(),
  };
}

/** Deletes the bytes (original and variants), drops them from the CDN, and announces file.deleted. */
export async function deleteFile(parts: FileParts, who: Principal, id: string) {
  await parts.db.transaction().execute(async (trx) => {
    const f = await ownedFile(trx, who, id, true);
    const keys = [f.key, ...Object.values(f.variants)];
    await parts.store.remove(keys);
    if (purposes[f.purpose]?.public) await parts.cdn.invalidate(keys, `delete-${f.id}`);
    const deletedAt = new Date();
    await trx
      .updateTable('files')
      .set({ status: 'DELETED', deleted_at: deletedAt })
      .where('id', '=', id)
      .execute();
    await parts.events.publish(
      trx,
      'file.deleted',
      { fileId: id, ownerId: f.owner_id, deletedAt: deletedAt.toISOString() },
      publishOptions('file', id),
    );
  });
}

/** Uploads never completed: their rows and any stray bytes go after a day. */
export async function pruneAbandoned(
  parts: Pick<FileParts, 'db' | 'store'>,
  olderThanMs = 86_400_000,
): Promise<number> {
  const stale = await parts.db
    .selectFrom('files')
    .select(['id', 'key'])
    .where('status', '=', 'PENDING')
    .where('upload_expires_at', '<', new Date(Date.now() - olderThanMs))
    .limit(500)
    .execute();
  if (!stale.length) return 0;
  await parts.store.remove(stale.map((s) => s.key));
  await parts.db
    .deleteFrom('files')
    .where(
      'id',
      'in',
      stale.map((s) => s.id),
    )
    .where('status', '=', 'PENDING')
    .execute();
  return stale.length;
}
