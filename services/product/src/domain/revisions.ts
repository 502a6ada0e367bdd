import {
  conflict,
  type EventPublisher,
  isId,
  newId,
  notFound,
  publishOptions,
  type Transaction,
} from '@mp/platform';
import type { Database, RevisionChange } from '../db/schema.ts';
import { applyChange, type ProductChange } from './changes.ts';
import { checkPrice } from './options.ts';
import { type Deps, isUniqueViolation } from './records.ts';
import { type FullProduct, loadProduct } from './state.ts';
import { type ImageRef, resolveImages } from './upstream.ts';

/**
 * Moderation that holds: a seller's edit of an APPROVED product's name, description, price,
 * images or option prices waits for an admin as a revision, while the approved version stays
 * on sale (pages, search, cart and order quotes read the product, which the revision leaves
 * alone). Brand, category and options that change no price apply at once.
 */
export function splitChange(
  current: FullProduct,
  change: ProductChange,
  images: ImageRef[] | undefined,
): { direct: ProductChange; held: RevisionChange } {
  const { name, description, price, imageFileIds: _, options, ...direct } = change;
  const held: RevisionChange = {};
  if (name !== undefined) held.name = name;
  if (description !== undefined) held.description = description;
  if (price !== undefined) held.price = price;
  if (images) held.images = images;
  if (options && repricesOptions(current, options)) held.options = options;
  return { direct: options && !held.options ? { ...direct, options } : direct, held };
}

/** Whether an option list changes what any option costs: a known SKU's delta, or a new SKU not at the base price. */
function repricesOptions(current: FullProduct, options: NonNullable<ProductChange['options']>) {
  const known = new Map(current.skus.map((s) => [s.sku, s.price_delta]));
  return options.some((o) => {
    const delta = o.priceDelta ?? 0;
    return o.sku && known.has(o.sku) ? known.get(o.sku) !== delta : delta !== 0;
  });
}

/** Leaves out what the approved version already has, so a seller who undoes an edit withdraws it. */
function sinceApproved(current: FullProduct, change: RevisionChange): RevisionChange {
  const p = current.product;
  const out: RevisionChange = { ...change };
  if (out.name === p.name) delete out.name;
  if (out.description === p.description) delete out.description;
  if (out.price === p.price) delete out.price;
  if (out.images && sameFiles(out.images, current)) delete out.images;
  return out;
}
const sameFiles = (images: { fileId: string }[], current: FullProduct) =>
  images.map((i) => i.fileId).join() === current.images.map((i) => i.file_id).join();

/** The pending revision of a product, if any. */
export const pendingRevision = (db: Deps['db'] | Transaction<Database>, productId: string) =>
  db
    .selectFrom('product_revisions')
    .selectAll()
    .where('product_id', '=', productId)
    .where('status', '=', 'PENDING')
    .executeTakeFirst();

/**
 * Records the held part of an edit (the product is locked): merged into the pending revision, or
 * a new one (product.revision.submitted: the seller is told it waits for review); a revision left
 * with nothing to change is withdrawn.
 */
export async function holdChange(
  trx: Transaction<Database>,
  events: EventPublisher,
  locked: FullProduct,
  held: RevisionChange,
) {
  if (!Object.keys(held).length) return;
  const pending = await pendingRevision(trx, locked.product.id);
  const change = sinceApproved(locked, { ...pending?.change, ...held });
  if (change.price !== undefined && !change.options) checkPrice(change.price, locked);
  const json = JSON.stringify(change) as unknown as RevisionChange;
  if (pending && !Object.keys(change).length) {
    await trx
      .updateTable('product_revisions')
      .set({ status: 'WITHDRAWN', decided_at: new Date(), updated_at: new Date() })
      .where('id', '=', pending.id)
      .execute();
  } else if (pending) {
    await trx
      .updateTable('product_revisions')
      .set({ change: json, updated_at: new Date() })
      .where('id', '=', pending.id)
      .execute();
  } else if (Object.keys(change).length) {
    const id = newId();
    await trx
      .insertInto('product_revisions')
      .values({
        id,
        product_id: locked.product.id,
        seller_id: locked.product.seller_id,
        status: 'PENDING',
        change: json,
        rejection_reason: null,
        reviewed_by: null,
        decided_at: null,
      })
      .execute();
    await events.publish(
      trx,
      'product.revision.submitted',
      {
        revisionId: id,
        productId: locked.product.id,
        sellerId: locked.product.seller_id,
        name: locked.product.name,
        fields: Object.keys(change),
        submittedAt: new Date().toISOString(),
      },
      publishOptions('product', locked.product.id),
    );
  }
}

/** Locks the product, then the revision (the order every writer takes), refusing what cannot be decided. */
async function lockBoth(trx: Transaction<Database>, id: string) {
  if (!isId(id)) throw revisionNotFound();
  const found = await trx
    .selectFrom('product_revisions')
    .select('product_id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) throw revisionNotFound();
  const product = (await loadProduct(trx, found.product_id, { lock: true }))!;
  const revision = await trx
    .selectFrom('product_revisions')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { product, revision };
}

const revisionNotFound = () => notFound('REVISION_NOT_FOUND', 'No such product revision');

const notPending = (status: string) =>
  conflict('REVISION_NOT_PENDING', `This revision is ${status.toLowerCase()}; only a pending one is decided`);

/** Admin approval of a revision: the product takes it (product.updated with the changed fields). Twice changes nothing. */
export async function approveRevision(deps: Deps, id: string, adminId: string): Promise<FullProduct> {
  if (!isId(id)) throw revisionNotFound();
  const stored = await deps.db
    .selectFrom('product_revisions')
    .select(['seller_id', 'change'])
    .where('id', '=', id)
    .executeTakeFirst();
  // The images' thumbnails may have been made since the revision was submitted.
  const refreshed = stored?.change.images
    ? await resolveImages(
        deps.dapr,
        stored.seller_id,
        stored.change.images.map((i) => i.fileId),
      ).catch((err) => {
        deps.log.warn({ err, revisionId: id }, 'images not refreshed at approval');
        return undefined;
      })
    : undefined;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const { product, revision } = await lockBoth(trx, id);
      if (revision.status === 'APPROVED') return product;
      if (revision.status !== 'PENDING') throw notPending(revision.status);
      if (product.product.status === 'DELETED') throw conflict('PRODUCT_DELETED', 'This product was deleted');
      const { images, ...rest } = revision.change;
      const full = await applyChange(
        trx,
        deps.events,
        product,
        rest,
        images ? (refreshed ?? images) : undefined,
        { reopenRejected: false },
      );
      const decidedAt = new Date();
      await trx
        .updateTable('product_revisions')
        .set({ status: 'APPROVED', reviewed_by: adminId, decided_at: decidedAt, updated_at: decidedAt })
        .where('id', '=', id)
        .execute();
      await deps.events.publish(
        trx,
        'product.revision.approved',
        {
          revisionId: id,
          productId: product.product.id,
          sellerId: product.product.seller_id,
          name: full.product.name,
          approvedBy: adminId,
          approvedAt: decidedAt.toISOString(),
        },
        publishOptions('product', product.product.id),
      );
      return full;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('SKU_TAKEN', 'A SKU is already in use');
    throw err;
  }
}

/** Admin rejection (반려) of a revision with a reason its seller sees; the approved version stays as it is. */
export async function rejectRevision(deps: Deps, id: string, adminId: string, reason: string) {
  return deps.db.transaction().execute(async (trx) => {
    const { product, revision } = await lockBoth(trx, id);
    if (revision.status === 'REJECTED' && revision.rejection_reason === reason) return product;
    if (revision.status !== 'PENDING') throw notPending(revision.status);
    const decidedAt = new Date();
    await trx
      .updateTable('product_revisions')
      .set({
        status: 'REJECTED',
        reviewed_by: adminId,
        rejection_reason: reason,
        decided_at: decidedAt,
        updated_at: decidedAt,
      })
      .where('id', '=', id)
      .execute();
    await deps.events.publish(
      trx,
      'product.revision.rejected',
      {
        revisionId: id,
        productId: product.product.id,
        sellerId: product.product.seller_id,
        name: product.product.name,
        reason,
        rejectedAt: decidedAt.toISOString(),
      },
      publishOptions('product', product.product.id),
    );
    return product;
  });
}

/** A deleted product's pending revision is withdrawn with it. */
export async function withdrawRevision(trx: Transaction<Database>, productId: string) {
  await trx
    .updateTable('product_revisions')
    .set({ status: 'WITHDRAWN', decided_at: new Date(), updated_at: new Date() })
    .where('product_id', '=', productId)
    .where('status', '=', 'PENDING')
    .execute();
}
