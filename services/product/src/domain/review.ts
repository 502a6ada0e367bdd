import { conflict, notFound, publishOptions } from '@mp/platform';
import { type Deps, saveImages, touch } from './records.ts';
import { isSuspended } from './standing.ts';
import { eventState, type FullProduct, loadProduct } from './state.ts';
import { resolveImages } from './upstream.ts';

/** Admin approval (상품 심사): the product goes on sale. Approving twice changes nothing. */
export async function approveProduct(deps: Deps, id: string, adminId: string): Promise<FullProduct> {
  const current = await loadProduct(deps.db, id);
  if (!current) throw notFound('PRODUCT_NOT_FOUND', 'No such product');
  // The images' thumbnails may have been made since the product was registered.
  const images = await resolveImages(
    deps.dapr,
    current.product.seller_id,
    current.images.map((i) => i.file_id),
  ).catch((err) => {
    deps.log.warn({ err, productId: id }, 'images not refreshed at approval');
    return undefined;
  });
  return deps.db.transaction().execute(async (trx) => {
    const locked = (await loadProduct(trx, id, { lock: true }))!;
    const p = locked.product;
    if (p.status === 'DELETED') throw conflict('PRODUCT_DELETED', 'This product was deleted');
    if (p.status === 'APPROVED') return locked;
    if (await isSuspended(trx, p.seller_id))
      throw conflict(
        'SELLER_SUSPENDED',
        'The seller is suspended; its products go on sale when it is reinstated',
      );
    if (images) await saveImages(trx, id, images);
    const approvedAt = new Date();
    const full = await touch(trx, id, {
      status: 'APPROVED',
      approved_at: approvedAt,
      reviewed_by: adminId,
      rejection_reason: null,
    });
    await deps.events.publish(
      trx,
      'product.approved',
      { ...eventState(full), approvedBy: adminId, approvedAt: approvedAt.toISOString() },
      publishOptions('product', id),
    );
    return full;
  });
}

/** Admin rejection (반려) with a reason the seller sees; an approved product can be taken down this way too. */
export async function rejectProduct(
  deps: Deps,
  id: string,
  adminId: string,
  reason: string,
): Promise<FullProduct> {
  return deps.db.transaction().execute(async (trx) => {
    const locked = await loadProduct(trx, id, { lock: true });
    if (!locked) throw notFound('PRODUCT_NOT_FOUND', 'No such product');
    const p = locked.product;
    if (p.status === 'DELETED') throw conflict('PRODUCT_DELETED', 'This product was deleted');
    if (p.status === 'REJECTED' && p.rejection_reason === reason) return locked;
    const full = await touch(trx, id, { status: 'REJECTED', reviewed_by: adminId, rejection_reason: reason });
    await deps.events.publish(
      trx,
      'product.rejected',
      { ...eventState(full), reason, rejectedAt: full.product.updated_at.toISOString() },
      publishOptions('product', id),
    );
    return full;
  });
}
