import {
  conflict,
  type EventPublisher,
  isId,
  jsonb,
  type Kysely,
  type Logger,
  newId,
  notFound,
  type Principal,
  payloadTooLarge,
  publishOptions,
  type Selectable,
  sql,
  type Transaction,
  unprocessable,
  unsupportedMediaType,
} from '@mp/platform';
import sharp from 'sharp';
import type { Database, FilesTable } from '../db/schema.ts';
import type { CdnInvalidator } from '../storage/cdn.ts';
import type { ObjectStore } from '../storage/objects.ts';
import { extensionOf, MAX_IMAGE_PIXELS, purposes, sharpFormatOf, variantSpecs } from './purposes.ts';

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

/** The metadata of contract 7: download URLs of the original and of each variant. */
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

/** Step 1 of an upload: a PENDING file and a presigned PUT for exactly its declared type and size. */
export async function requestUpload(
  parts: FileParts,
  ownerId: string,
  input: { filename: string; contentType: string; size: number; purpose: string },
) {
  const purpose = purposes[input.purpose]!;
  if (!purpose.types.includes(input.contentType)) {
    const errors = [{ path: 'contentType', message: `not allowed for ${input.purpose}` }];
    throw unsupportedMediaType(
      'UNSUPPORTED_MEDIA_TYPE',
      `A ${input.purpose} must be one of ${purpose.types.join(', ')}`,
      { errors },
    );
  }
  if (input.size > purpose.maxBytes) {
    throw payloadTooLarge('FILE_TOO_LARGE', `A ${input.purpose} may be at most ${purpose.maxBytes} bytes`, {
      errors: [{ path: 'size', message: `at most ${purpose.maxBytes} bytes` }],
    });
  }
  const id = newId();
  const key = `${input.purpose}/${id}/original.${extensionOf(input.contentType)}`;
  const expiresAt = new Date(Date.now() + parts.uploadTtlSeconds * 1000);
  await parts.db
    .insertInto('files')
    .values({
      id,
      owner_id: ownerId,
      purpose: input.purpose,
      filename: input.filename,
      content_type: input.contentType,
      size: input.size,
      status: 'PENDING',
      key,
      width: null,
      height: null,
      upload_expires_at: expiresAt,
      completed_at: null,
      deleted_at: null,
    })
    .execute();
  return {
    fileId: id,
    uploadUrl: await parts.store.presignPut(key, input.contentType, input.size, parts.uploadTtlSeconds),
    method: 'PUT' as const,
    headers: { 'content-type': input.contentType },
    expiresAt: expiresAt.toISOString(),
  };
}

/** An image's pixels beyond MAX_IMAGE_PIXELS: never decoded, never retried. */
export class ImageTooLarge extends Error {
  constructor(width: number, height: number) {
    super(`${width}×${height} pixels is more than the limit of ${MAX_IMAGE_PIXELS} pixels`);
  }
}

/** The header of an image (no pixel is decoded): its format and size; undefined if not an image. */
async function imageHeader(bytes: Buffer) {
  // sharp refuses to even read the header of an image over its own limit: lift it, as nothing is decoded.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!meta) return undefined;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  return { format: meta.format, width, height, tooLarge: width * height > MAX_IMAGE_PIXELS };
}

/** What the bytes really are: an image's format and size, or a PDF's signature. */
async function inspect(
  f: FileRow,
  bytes: Buffer,
): Promise<{ ok: boolean; width?: number; height?: number; tooLarge?: boolean }> {
  if (f.content_type.startsWith('image/')) {
    const meta = await imageHeader(bytes);
    if (!meta || meta.format !== sharpFormatOf[f.content_type]) return { ok: false };
    return {
      ok: true,
      tooLarge: meta.tooLarge,
      ...(meta.width ? { width: meta.width } : {}),
      ...(meta.height ? { height: meta.height } : {}),
    };
  }
  if (f.content_type === 'application/pdf')
    return { ok: bytes.subarray(0, 5).toString('latin1') === '%PDF-' };
  return { ok: true };
}

/**
 * Step 3: the client says the bytes are up. They must be there, of the declared size, and really
 * of the declared type; otherwise the object is removed and the upload may be tried again.
 * Completing twice answers the same file.
 */
export async function completeUpload(parts: FileParts, who: Principal, id: string) {
  const f = await ownedFile(parts.db, who, id);
  if (f.status === 'READY') return f;
  const head = await parts.store.head(f.key);
  if (!head) throw conflict('UPLOAD_MISSING', 'Nothing was uploaded to the URL yet');
  const refuse = async (code: string, message: string, path: string) => {
    await parts.store.remove([f.key]);
    throw unprocessable(code, message, { errors: [{ path, message }] });
  };
  if (head.size !== Number(f.size))
    await refuse('FILE_SIZE_MISMATCH', `${head.size} bytes arrived, ${f.size} were declared`, 'size');
  const seen = await inspect(f, await parts.store.get(f.key));
  if (!seen.ok) await refuse('FILE_TYPE_MISMATCH', `the bytes are not ${f.content_type}`, 'contentType');
  if (seen.tooLarge)
    await refuse(
      'IMAGE_TOO_LARGE',
      `${seen.width}×${seen.height} pixels; an image may have at most ${MAX_IMAGE_PIXELS} pixels`,
      'file',
    );

  return parts.db.transaction().execute(async (trx) => {
    const image = purposes[f.purpose]?.image ?? false;
    const row = await trx
      .updateTable('files')
      .set({
        status: 'READY',
        completed_at: new Date(),
        width: seen.width ?? null,
        height: seen.height ?? null,
        variants_pending: image,
        variant_due_at: image ? new Date() : null,
      })
      .where('id', '=', id)
      .where('status', '=', 'PENDING')
      .returningAll()
      .executeTakeFirst();
    if (!row) return (await findFile(trx, id))!;
    // Wakes the resize worker when this transaction commits (NOTIFY is delivered on commit only).
    if (image) await sql`select pg_notify(${VARIANTS_CHANNEL}, current_schema())`.execute(trx);
    await parts.events.publish(
      trx,
      'file.uploaded',
      {
        fileId: id,
        ownerId: row.owner_id,
        purpose: row.purpose,
        contentType: row.content_type,
        size: Number(row.size),
        uploadedAt: row.completed_at!.toISOString(),
        ...(purposes[row.purpose]?.public ? { url: parts.store.publicUrl(row.key) } : {}),
      },
      publishOptions('file', id),
    );
    return row;
  });
}

export const VARIANTS_CHANNEL = 'file_variants';

/** The resize step (the seed's Lambda): the variants of an image, written beside the original. */
export async function makeVariants(store: ObjectStore, f: FileRow): Promise<Record<string, string>> {
  const original = await store.get(f.key);
  const header = await imageHeader(original);
  if (header?.tooLarge) throw new ImageTooLarge(header.width, header.height);
  const variants: Record<string, string> = {};
  for (const [name, spec] of Object.entries(variantSpecs)) {
    const key = `${f.purpose}/${f.id}/${name}.webp`;
    const body = await sharp(original, { animated: false, limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .resize({ width: spec.width, height: spec.height, fit: spec.fit, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    await store.put(key, body, 'image/webp');
    variants[name] = key;
  }
  return variants;
}

const LEASE_MS = 120_000;
const MAX_ATTEMPTS = 5;

/**
 * Makes the variants of one due image; answers false when none is due. The image is leased (so
 * another replica leaves it alone) in its own short transaction, processed outside any
 * transaction, and then settled; a crash leaves the lease to run out and the image is tried again.
 */
export async function processNextImage(
  db: Kysely<Database>,
  store: ObjectStore,
  log: Logger,
): Promise<boolean> {
  const f = await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('files')
      .select('id')
      .where('variants_pending', '=', true)
      .where('variant_due_at', '<=', new Date())
      .orderBy('variant_due_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!due) return undefined;
    return trx
      .updateTable('files')
      .set((eb) => ({
        variant_due_at: new Date(Date.now() + LEASE_MS),
        variant_attempts: eb('variant_attempts', '+', 1),
      }))
      .where('id', '=', due.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  if (!f) return false;
  if (f.status !== 'READY') {
    await db.updateTable('files').set({ variants_pending: false }).where('id', '=', f.id).execute();
    return true;
  }
  try {
    const variants = await makeVariants(store, f);
    await db
      .updateTable('files')
      .set({ variants: jsonb(variants), variants_pending: false, variant_error: null })
      .where('id', '=', f.id)
      .where('status', '=', 'READY')
      .execute();
  } catch (err) {
    // An image too large to decode stays too large: no retry.
    const giveUp = f.variant_attempts >= MAX_ATTEMPTS || err instanceof ImageTooLarge;
    log[giveUp ? 'error' : 'warn']({ err, fileId: f.id, attempts: f.variant_attempts }, 'resizing failed');
    await db
      .updateTable('files')
      .set({
        variant_error: String(err instanceof Error ? err.message : err).slice(0, 500),
        variant_due_at: new Date(Date.now() + 1000 * 2 ** f.variant_attempts),
        ...(giveUp ? { variants_pending: false } : {}),
      })
      .where('id', '=', f.id)
      .execute();
  }
  return true;
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
