import { jsonb, type Kysely, type Logger } from '@mp/platform';
import sharp from 'sharp';
import type { Database } from '../db/schema.ts';
import type { ObjectStore } from '../storage/objects.ts';
import type { FileRow } from './files.ts';
import { MAX_IMAGE_PIXELS, variantSpecs } from './purposes.ts';

/** An image's pixels beyond MAX_IMAGE_PIXELS: never decoded, never retried. */
export class ImageTooLarge extends Error {
  constructor(width: number, height: number) {
    super(`${width}×${height} pixels is more than the limit of ${MAX_IMAGE_PIXELS} pixels`);
  }
}

/** The header of an image (no pixel is decoded): its format and size; undefined if not an image. */
export async function imageHeader(bytes: Buffer) {
  // sharp refuses to even read the header of an image over its own limit: lift it, as nothing is decoded.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!meta) return undefined;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  return { format: meta.format, width, height, tooLarge: width * height > MAX_IMAGE_PIXELS };
}

export const VARIANTS_CHANNEL = 'file_variants';

/** The resize step (a Lambda in the original design): the variants of an image, written beside the original. */
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
