import {
  conflict,
  newId,
  type Principal,
  payloadTooLarge,
  publishOptions,
  sql,
  unprocessable,
  unsupportedMediaType,
} from '@mp/platform';
import { type FileParts, type FileRow, findFile, ownedFile } from './files.ts';
import { extensionOf, MAX_IMAGE_PIXELS, purposes, sharpFormatOf } from './purposes.ts';
import { imageHeader, VARIANTS_CHANNEL } from './variants.ts';

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
