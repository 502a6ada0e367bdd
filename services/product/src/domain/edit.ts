import { conflict, type Principal, publishOptions } from '@mp/platform';
import { applyChange, checkChange, type ProductChange } from './changes.ts';
import { type Deps, isUniqueViolation, ownedProduct, touch } from './records.ts';
import { holdChange, splitChange, withdrawRevision } from './revisions.ts';
import type { FullProduct } from './state.ts';
import { requireVerifiedSeller } from './upstream.ts';

/**
 * Seller (or admin) edits. Options are given whole: a known SKU keeps its stock (stock moves by
 * inventory adjustments), a new one starts with the stock given, a missing one is no longer sold.
 * A rejected product goes back to review. A seller's edit of an approved product's content
 * waits for review as a revision while the approved version stays on sale (revisions.ts).
 */
export async function updateProduct(
  deps: Deps,
  who: Principal,
  id: string,
  change: ProductChange,
): Promise<FullProduct> {
  const current = await ownedProduct(deps, who, id);
  if (current.product.status === 'SUSPENDED' && who.role !== 'admin')
    throw conflict('PRODUCT_SUSPENDED', "This product is suspended with its seller's account");
  if (who.role !== 'admin') await requireVerifiedSeller(deps.dapr, who.userId);
  const images = await checkChange(deps, current, change);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const locked = await ownedProduct(deps, who, id, { lock: true, trx });
      if (who.role === 'admin' || locked.product.status !== 'APPROVED')
        return applyChange(trx, deps.events, locked, change, images, { reopenRejected: true });
      const { direct, held } = splitChange(locked, change, images);
      await holdChange(trx, deps.events, locked, held);
      return applyChange(trx, deps.events, locked, direct, undefined, { reopenRejected: false });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('SKU_TAKEN', 'A SKU is already in use');
    throw err;
  }
}

/** Soft delete: the product leaves listings and search; its orders and reviews keep referring to it. */
export async function deleteProduct(deps: Deps, who: Principal, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const { product } = await ownedProduct(deps, who, id, { lock: true, trx });
    const full = await touch(trx, id, { status: 'DELETED', deleted_at: new Date() });
    await withdrawRevision(trx, id);
    await deps.events.publish(
      trx,
      'product.deleted',
      {
        productId: id,
        sellerId: product.seller_id,
        version: full.product.version,
        deletedAt: full.product.deleted_at!.toISOString(),
      },
      publishOptions('product', id),
    );
  });
}
