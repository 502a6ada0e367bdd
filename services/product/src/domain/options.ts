import { conflict, type Transaction, validationFailed } from '@mp/platform';
import type { Database, StockStatus } from '../db/schema.ts';
import type { FullProduct } from './state.ts';

export interface OptionInput {
  sku?: string | undefined;
  name?: string | undefined;
  values?: Record<string, string> | undefined;
  priceDelta?: number | undefined;
  stock?: number | undefined;
  lowStockThreshold?: number | undefined;
}

/**
 * The product's display flag from its SKUs: 품절 when nothing is left, 품절임박 when no option is comfortably in stock.
 * inventory's news applies the same rule inside its one statement (applySkuStock, signals.ts): change both.
 */
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
export function checkOptions(price: number, options: OptionInput[]) {
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

/** Refuses a price at which an active option would cost less than nothing. */
export function checkPrice(price: number, current: FullProduct) {
  const cheapest = Math.min(...current.skus.filter((s) => s.active).map((s) => s.price_delta));
  if (price + cheapest < 0)
    throw validationFailed([{ path: 'price', message: 'an option would cost less than 0원' }]);
}

/** SKUs already used by any product: SKUs are unique across the marketplace (inventory keys stock by them). */
export async function refuseTakenSkus(trx: Transaction<Database>, options: OptionInput[]) {
  const wanted = options.map((o) => o.sku).filter((s): s is string => !!s);
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

export function skuRows(productId: string, options: OptionInput[], from: number) {
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

/** Applies a whole option list; answers the new SKUs with their initial stock. */
export async function replaceOptions(
  trx: Transaction<Database>,
  current: FullProduct,
  options: OptionInput[],
) {
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
