import { notFound, type Principal, type ServiceDeps, type Transaction, unprocessable } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { findCategory } from './categories.ts';
import { loadProduct } from './state.ts';
import type { ImageRef } from './upstream.ts';

/** What the product use cases need of the service. */
export type Deps = Pick<ServiceDeps<Database>, 'db' | 'dapr' | 'events' | 'log'>;

export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export async function requireCategory(deps: Pick<Deps, 'db'>, categoryId: string) {
  const category = await findCategory(deps.db, categoryId);
  if (!category)
    throw unprocessable('CATEGORY_NOT_FOUND', 'No such category', {
      errors: [{ path: 'categoryId', message: 'no such category' }],
    });
  return category;
}

export async function saveImages(trx: Transaction<Database>, productId: string, images: ImageRef[]) {
  await trx.deleteFrom('product_images').where('product_id', '=', productId).execute();
  if (!images.length) return;
  await trx
    .insertInto('product_images')
    .values(
      images.map((im, position) => ({
        product_id: productId,
        position,
        file_id: im.fileId,
        url: im.url,
        thumbnail_url: im.thumbnailUrl,
      })),
    )
    .execute();
}

/** The product if the caller may change it: its seller or an admin; anyone else sees nothing (404). */
export async function ownedProduct(
  deps: Pick<Deps, 'db'>,
  who: Principal,
  id: string,
  opts: { lock?: boolean; trx?: Transaction<Database> } = {},
) {
  const full = await loadProduct(opts.trx ?? deps.db, id, opts);
  if (
    !full ||
    full.product.status === 'DELETED' ||
    (who.role !== 'admin' && full.product.seller_id !== who.userId)
  ) {
    throw notFound('PRODUCT_NOT_FOUND', 'No such product');
  }
  return full;
}

/** Bumps the version of a product after a change and answers its new full state. */
export async function touch(trx: Transaction<Database>, id: string, set: Record<string, unknown> = {}) {
  await trx
    .updateTable('products')
    .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .execute();
  return (await loadProduct(trx, id))!;
}
