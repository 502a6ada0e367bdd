import {
  conflict,
  newId,
  notFound,
  type Principal,
  type ServiceDeps,
  type Transaction,
  unprocessable,
  validationFailed,
} from '@mp/platform';
import type { Database, ProductStatus, StockStatus } from '../db/schema.ts';
import { findCategory } from './categories.ts';
import { isSuspended } from './standing.ts';
import { eventState, type FullProduct, loadProduct, skuSpecs } from './state.ts';
import { type ImageRef, requireVerifiedSeller, resolveImages } from './upstream.ts';

type Deps = Pick<ServiceDeps<Database>, 'db' | 'dapr' | 'events' | 'log'>;

export interface OptionInput {
  sku?: string | undefined;
  name?: string | undefined;
  values?: Record<string, string> | undefined;
  priceDelta?: number | undefined;
  stock?: number | undefined;
  lowStockThreshold?: number | undefined;
}

export interface ProductInput {
  name: string;
  description: string;
  price: number;
  categoryId: string;
  brand?: string | null | undefined;
  options?: OptionInput[] | undefined;
  stock?: number | undefined;
  imageFileIds?: string[] | undefined;
}

const aggregate = (id: string) => ({ aggregateKey: `product:${id}` });

/** The product's display flag from its SKUs: 품절 when nothing is left, 품절임박 when no option is comfortably in stock. */
export function productStockStatus(
  skus: { available: number; stock_status: StockStatus; active: boolean }[],
): {
  stock: number;
  status: StockStatus;
} {
  const live = skus.filter((s) => s.active);
  const stock = live.reduce((n, s) => n + s.available, 0);
  if (stock === 0) return { stock, status: 'OUT_OF_STOCK' };
  return { stock, status: live.some((s) => s.stock_status === 'IN_STOCK') ? 'IN_STOCK' : 'LOW_STOCK' };
}

const optionName = (values: Record<string, string>) => Object.values(values).join(' / ') || '기본';

/** Checks a product's options against each other and its price; names the offending field. */
function checkOptions(price: number, options: OptionInput[]) {
  const errors: { path: string; message: string }[] = [];
  const skus = new Set<string>();
  const combos = new Set<string>();
  options.forEach((o, i) => {
    if (price + (o.priceDelta ?? 0) < 0)
      errors.push({ path: `options.${i}.priceDelta`, message: 'the option would cost less than 0원' });
    if (o.sku) {
      if (skus.has(o.sku)) errors.push({ path: `options.${i}.sku`, message: 'appears twice' });
      skus.add(o.sku);
    }
    const combo = JSON.stringify(Object.entries(o.values ?? {}).sort());
    if (combos.has(combo))
      errors.push({ path: `options.${i}.values`, message: 'the same option values appear twice' });
    combos.add(combo);
  });
  if (errors.length) throw validationFailed(errors);
}

async function requireCategory(deps: Deps, categoryId: string) {
  const category = await findCategory(deps.db, categoryId);
  if (!category)
    throw unprocessable('CATEGORY_NOT_FOUND', 'No such category', {
      errors: [{ path: 'categoryId', message: 'no such category' }],
    });
  return category;
}

/** SKUs already used by any product: SKUs are unique across the marketplace (inventory keys stock by them). */
async function refuseTakenSkus(trx: Transaction<Database>, options: OptionInput[], own: string[] = []) {
  const wanted = options.map((o) => o.sku).filter((s): s is string => !!s && !own.includes(s));
  if (!wanted.length) return;
  const taken = new Set(
    (await trx.selectFrom('product_skus').select('sku').where('sku', 'in', wanted).execute()).map(
      (r) => r.sku,
    ),
  );
  const errors = options.flatMap((o, i) =>
    o.sku && taken.has(o.sku) ? [{ path: `options.${i}.sku`, message: 'already in use' }] : [],
  );
  if (errors.length) throw conflict('SKU_TAKEN', 'Some SKUs are already in use', { errors });
}

const generatedSku = (productId: string, n: number) =>
  `P${productId.replaceAll('-', '').slice(-10).toUpperCase()}-${n}`;

function skuRows(productId: string, options: OptionInput[], from: number) {
  return options.map((o, i) => {
    const values = o.values ?? {};
    const stock = o.stock ?? 0;
    return {
      sku: o.sku ?? generatedSku(productId, from + i + 1),
      product_id: productId,
      position: from + i,
      name: o.name ?? optionName(values),
      option_values: JSON.stringify(values) as unknown as Record<string, string>,
      price_delta: o.priceDelta ?? 0,
      available: stock,
      stock_status: (stock > 0 ? 'IN_STOCK' : 'OUT_OF_STOCK') as StockStatus,
    };
  });
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Registers a product (seed flow 4.4 step 1): PENDING_REVIEW until an admin approves it. */
export async function createProduct(deps: Deps, sellerId: string, input: ProductInput): Promise<FullProduct> {
  const options = input.options ?? [{ stock: input.stock ?? 0 }];
  checkOptions(input.price, options);
  await requireVerifiedSeller(deps.dapr, sellerId);
  await requireCategory(deps, input.categoryId);
  const images = await resolveImages(deps.dapr, sellerId, input.imageFileIds ?? []);
  const id = newId();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await refuseTakenSkus(trx, options);
      const rows = skuRows(id, options, 0);
      const { stock, status } = productStockStatus(rows.map((r) => ({ ...r, active: true })));
      await trx
        .insertInto('products')
        .values({
          id,
          seller_id: sellerId,
          name: input.name,
          description: input.description,
          brand: input.brand ?? null,
          category_id: input.categoryId,
          price: input.price,
          status: 'PENDING_REVIEW',
          stock,
          stock_status: status,
          rejection_reason: null,
          reviewed_by: null,
          approved_at: null,
          deleted_at: null,
          // Millisecond precision, so that a listing cursor (JSON) holds the exact key.
          created_at: new Date(),
        })
        .execute();
      await trx.insertInto('product_skus').values(rows).execute();
      await saveImages(trx, id, images);
      const full = (await loadProduct(trx, id))!;
      await deps.events.publish(
        trx,
        'product.created',
        {
          ...eventState(full),
          stock: full.product.stock,
          skus: skuSpecs(full.skus).map((s, i) => ({
            ...s,
            ...(options[i]?.lowStockThreshold !== undefined
              ? { lowStockThreshold: options[i]!.lowStockThreshold }
              : {}),
          })),
        },
        aggregate(id),
      );
      return full;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('SKU_TAKEN', 'A SKU is already in use');
    throw err;
  }
}

async function saveImages(trx: Transaction<Database>, productId: string, images: ImageRef[]) {
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
  deps: Deps,
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

export type ProductChange = Partial<Omit<ProductInput, 'stock'>>;

/**
 * Seller (or admin) edits. Options are given whole: a known SKU keeps its stock (stock moves by
 * inventory adjustments), a new one starts with the stock given, a missing one is no longer sold.
 * A rejected product goes back to review.
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
  if (change.categoryId) await requireCategory(deps, change.categoryId);
  const images = change.imageFileIds
    ? await resolveImages(deps.dapr, current.product.seller_id, change.imageFileIds)
    : undefined;
  if (change.options) checkOptions(change.price ?? current.product.price, change.options);

  try {
    return await deps.db.transaction().execute(async (trx) => {
      const locked = await ownedProduct(deps, who, id, { lock: true, trx });
      const p = locked.product;
      const price = change.price ?? p.price;
      const changes: string[] = [];
      const set: Record<string, unknown> = {};
      for (const [field, column] of [
        ['name', 'name'],
        ['description', 'description'],
        ['brand', 'brand'],
        ['categoryId', 'category_id'],
        ['price', 'price'],
      ] as const) {
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
        const cheapest = Math.min(...locked.skus.filter((s) => s.active).map((s) => s.price_delta));
        if (price + cheapest < 0)
          throw validationFailed([{ path: 'price', message: 'an option would cost less than 0원' }]);
      }
      if (images) {
        await saveImages(trx, id, images);
        changes.push('imageFileIds');
      }
      if (!changes.length) return locked;
      if (p.status === 'REJECTED') {
        set.status = 'PENDING_REVIEW' satisfies ProductStatus;
        changes.push('status');
      }
      if (newSkus) {
        const skus = await trx.selectFrom('product_skus').selectAll().where('product_id', '=', id).execute();
        const s = productStockStatus(skus);
        set.stock = s.stock;
        set.stock_status = s.status;
      }
      const full = await touch(trx, id, set);
      await deps.events.publish(
        trx,
        'product.updated',
        { ...eventState(full), changes, ...(newSkus ? { skus: skuSpecs(full.skus, newSkus) } : {}) },
        aggregate(id),
      );
      return full;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('SKU_TAKEN', 'A SKU is already in use');
    throw err;
  }
}

/** Applies a whole option list; answers the new SKUs with their initial stock. */
async function replaceOptions(trx: Transaction<Database>, current: FullProduct, options: OptionInput[]) {
  const id = current.product.id;
  const known = new Map(current.skus.map((s) => [s.sku, s]));
  const incoming = options.filter((o) => !o.sku || !known.has(o.sku));
  await refuseTakenSkus(trx, incoming);
  const keep = new Set<string>();
  for (const [i, o] of options.entries()) {
    if (!o.sku || !known.has(o.sku)) continue;
    keep.add(o.sku);
    const values = o.values ?? known.get(o.sku)!.option_values;
    await trx
      .updateTable('product_skus')
      .set({
        position: i,
        name: o.name ?? optionName(values),
        option_values: JSON.stringify(values) as unknown as Record<string, string>,
        price_delta: o.priceDelta ?? 0,
        active: true,
      })
      .where('sku', '=', o.sku)
      .execute();
  }
  const gone = current.skus.filter((s) => !keep.has(s.sku)).map((s) => s.sku);
  if (gone.length)
    await trx
      .updateTable('product_skus')
      .set({ active: false, position: 1000 })
      .where('sku', 'in', gone)
      .execute();
  const fresh = skuRows(id, incoming, current.skus.length).map((r, k) => ({
    ...r,
    position: options.indexOf(incoming[k]!),
  }));
  if (fresh.length) await trx.insertInto('product_skus').values(fresh).execute();
  return new Map(fresh.map((r) => [r.sku, r.available]));
}

/** Soft delete: the product leaves listings and search; its orders and reviews keep referring to it. */
export async function deleteProduct(deps: Deps, who: Principal, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const { product } = await ownedProduct(deps, who, id, { lock: true, trx });
    const full = await touch(trx, id, { status: 'DELETED', deleted_at: new Date() });
    await deps.events.publish(
      trx,
      'product.deleted',
      {
        productId: id,
        sellerId: product.seller_id,
        version: full.product.version,
        deletedAt: full.product.deleted_at!.toISOString(),
      },
      aggregate(id),
    );
  });
}

/** Admin approval (seed flow 4.4 step 3–4): the product goes on sale. Approving twice changes nothing. */
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
      aggregate(id),
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
      aggregate(id),
    );
    return full;
  });
}
