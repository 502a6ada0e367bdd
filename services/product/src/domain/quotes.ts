import { conflict, type FieldError, isId, type Kysely, notFound } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { thumbnailColumn } from './listing.ts';

export interface QuoteLine {
  productId: string;
  sku: string;
  quantity: number;
}

/**
 * Order lines priced now, in request order: each line's seller, name, options and unit price
 * (price + the SKU's delta). Unknown lines answer 404 and lines not on sale 409, each naming the line.
 */
export async function quoteLines(db: Kysely<Database>, items: QuoteLine[]) {
  const skus = [...new Set(items.map((i) => i.sku))];
  const rows = await db
    .selectFrom('product_skus as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select([
      's.sku',
      's.product_id',
      's.option_values',
      's.price_delta',
      's.active',
      'p.seller_id',
      'p.name',
      'p.price',
      'p.status',
    ])
    .where('s.sku', 'in', skus)
    .execute();
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const missing: FieldError[] = [];
  const unavailable: FieldError[] = [];
  const quoted = items.map((it, i) => {
    const r = bySku.get(it.sku);
    if (!r || r.product_id !== it.productId) {
      missing.push({
        path: `items.${i}`,
        message: r ? 'the SKU belongs to another product' : 'no such product or SKU',
      });
      return undefined;
    }
    if (r.status !== 'APPROVED' || !r.active) {
      unavailable.push({
        path: `items.${i}`,
        message: !r.active
          ? 'this option is no longer sold'
          : `the product is ${r.status.toLowerCase().replace('_', ' ')}`,
      });
      return undefined;
    }
    return {
      productId: r.product_id,
      sku: r.sku,
      sellerId: r.seller_id,
      name: r.name,
      optionValues: r.option_values,
      unitPrice: r.price + r.price_delta,
    };
  });
  if (missing.length) throw notFound('PRODUCT_NOT_FOUND', 'Some products are unknown', { errors: missing });
  if (unavailable.length)
    throw conflict('PRODUCT_UNAVAILABLE', 'Some products are not on sale', { errors: unavailable });
  return { items: quoted.filter((q) => q !== undefined) };
}

/** Products by id, whatever their status (unknown ids are left out). */
export async function lookupProducts(db: Kysely<Database>, productIds: string[]) {
  const ids = [...new Set(productIds.filter(isId))];
  if (!ids.length) return { items: [] };
  const rows = await db
    .selectFrom('products as p')
    .select(['p.id', 'p.seller_id', 'p.name', 'p.price', 'p.brand', 'p.status'])
    .select(thumbnailColumn)
    .where('p.id', 'in', ids)
    .execute();
  return {
    items: rows.map((r) => ({
      productId: r.id,
      sellerId: r.seller_id,
      name: r.name,
      price: r.price,
      brand: r.brand,
      status: r.status,
      thumbnailUrl: r.thumbnail_url,
    })),
  };
}
