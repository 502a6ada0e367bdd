import type { EventData } from '@mp/contracts';
import type { Kysely, Selectable, Transaction } from '@mp/platform';
import { isId } from '@mp/platform';
import type { Database, ProductImagesTable, ProductSkusTable, ProductsTable } from '../db/schema.ts';
import { pathIds } from './categories.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type ProductRow = Selectable<ProductsTable>;
export type SkuRow = Selectable<ProductSkusTable>;
export type ImageRow = Selectable<ProductImagesTable>;

export interface FullProduct {
  product: ProductRow;
  skus: SkuRow[];
  images: ImageRow[];
  categoryPath: string;
}

export async function loadProduct(
  db: Db,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<FullProduct | undefined> {
  if (!isId(id)) return undefined;
  let q = db.selectFrom('products').selectAll().where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  const product = await q.executeTakeFirst();
  if (!product) return undefined;
  const [skus, images, category] = await Promise.all([
    db.selectFrom('product_skus').selectAll().where('product_id', '=', id).orderBy('position').execute(),
    db.selectFrom('product_images').selectAll().where('product_id', '=', id).orderBy('position').execute(),
    db
      .selectFrom('categories')
      .select('path')
      .where('id', '=', product.category_id)
      .executeTakeFirstOrThrow(),
  ]);
  return { product, skus, images, categoryPath: category.path };
}

export const thumbnailOf = (images: { url: string; thumbnail_url: string | null }[]) =>
  images[0] ? (images[0].thumbnail_url ?? images[0].url) : null;

/** The product as other services see it (the catalog's product state), for every product event. */
export function eventState(f: FullProduct) {
  const p = f.product;
  return {
    productId: p.id,
    sellerId: p.seller_id,
    name: p.name,
    description: p.description,
    brand: p.brand,
    categoryId: p.category_id,
    price: p.price,
    status: p.status,
    imageFileIds: f.images.map((i) => i.file_id),
    version: p.version,
    updatedAt: p.updated_at.toISOString(),
    categoryPath: pathIds(f.categoryPath),
    thumbnailUrl: thumbnailOf(f.images),
    stock: p.stock,
    stockStatus: p.stock_status,
    popularity: p.popularity,
    createdAt: p.created_at.toISOString(),
  };
}

export const skuSpecs = (
  skus: SkuRow[],
  initialStock?: Map<string, number>,
): EventData<'product.created'>['skus'] =>
  skus.map((s) => ({
    sku: s.sku,
    optionValues: s.option_values,
    priceDelta: s.price_delta,
    stock: initialStock?.get(s.sku) ?? s.available,
    active: s.active,
  }));
