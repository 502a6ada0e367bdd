import type { EventPublisher, Transaction } from '@mp/platform';
import { publishOptions } from '@mp/platform';
import type { Database, ProductStatus } from '../db/schema.ts';
import type { ProductInput } from './create.ts';
import { checkOptions, checkPrice, productStockStatus, replaceOptions } from './options.ts';
import { type Deps, requireCategory, saveImages, touch } from './records.ts';
import { eventState, type FullProduct, skuSpecs } from './state.ts';
import { type ImageRef, resolveImages } from './upstream.ts';

export type ProductChange = Partial<Omit<ProductInput, 'stock'>>;

/** The product's own fields a change may set, with their columns. */
export const fields = [
  ['name', 'name'],
  ['description', 'description'],
  ['brand', 'brand'],
  ['categoryId', 'category_id'],
  ['price', 'price'],
] as const;

/** What can be checked before the transaction: the category, the images (answered resolved), the options. */
export async function checkChange(
  deps: Deps,
  current: FullProduct,
  change: ProductChange,
): Promise<ImageRef[] | undefined> {
  if (change.categoryId) await requireCategory(deps, change.categoryId);
  const images = change.imageFileIds
    ? await resolveImages(deps.dapr, current.product.seller_id, change.imageFileIds)
    : undefined;
  if (change.options) checkOptions(change.price ?? current.product.price, change.options);
  return images;
}

/**
 * Applies a change to a locked product and announces `product.updated` with the changed fields
 * and a new version; answers the product as it is now (unchanged when nothing differs). Options
 * are given whole; a rejected product goes back to review when `reopenRejected`.
 */
export async function applyChange(
  trx: Transaction<Database>,
  events: EventPublisher,
  locked: FullProduct,
  change: ProductChange,
  images: ImageRef[] | undefined,
  opts: { reopenRejected: boolean },
): Promise<FullProduct> {
  const p = locked.product;
  const changes: string[] = [];
  const set: Record<string, unknown> = {};
  for (const [field, column] of fields) {
    const value = change[field];
    if (value !== undefined && value !== p[column]) {
      set[column] = value;
      changes.push(field);
    }
  }
  let newSkus: Map<string, number> | undefined;
  if (change.options) {
    newSkus = await replaceOptions(trx, locked, change.options);
    changes.push('options');
  } else if (change.price !== undefined) {
    checkPrice(change.price, locked);
  }
  if (images) {
    await saveImages(trx, p.id, images);
    changes.push('imageFileIds');
  }
  if (!changes.length) return locked;
  if (p.status === 'REJECTED' && opts.reopenRejected) {
    set.status = 'PENDING_REVIEW' satisfies ProductStatus;
    changes.push('status');
  }
  if (newSkus) {
    const skus = await trx.selectFrom('product_skus').selectAll().where('product_id', '=', p.id).execute();
    const s = productStockStatus(skus);
    set.stock = s.stock;
    set.stock_status = s.status;
  }
  const full = await touch(trx, p.id, set);
  await events.publish(
    trx,
    'product.updated',
    { ...eventState(full), changes, ...(newSkus ? { skus: skuSpecs(full.skus, newSkus) } : {}) },
    publishOptions('product', p.id),
  );
  return full;
}
