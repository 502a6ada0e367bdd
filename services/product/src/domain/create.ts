import { conflict, newId, publishOptions } from '@mp/platform';
import { checkOptions, type OptionInput, productStockStatus, refuseTakenSkus, skuRows } from './options.ts';
import { type Deps, isUniqueViolation, requireCategory, saveImages } from './records.ts';
import { eventState, type FullProduct, loadProduct, skuSpecs } from './state.ts';
import { requireVerifiedSeller, resolveImages } from './upstream.ts';

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

/** Registers a product: PENDING_REVIEW until an admin approves it. */
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
        publishOptions('product', id),
      );
      return full;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('SKU_TAKEN', 'A SKU is already in use');
    throw err;
  }
}
