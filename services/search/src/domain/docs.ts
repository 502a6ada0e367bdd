import type { EventData } from '@mp/contracts';
import type { ProductDoc } from '../backends/port.ts';

type ContentEvent = EventData<
  'product.created' | 'product.updated' | 'product.approved' | 'product.rejected'
>;

/** The indexed document from any product event that carries the product's state. */
export const docOf = (d: ContentEvent): ProductDoc => ({
  productId: d.productId,
  sellerId: d.sellerId,
  name: d.name,
  description: d.description,
  brand: d.brand,
  categoryId: d.categoryId,
  categoryPath: d.categoryPath ?? [d.categoryId],
  price: d.price,
  status: d.status,
  thumbnailUrl: d.thumbnailUrl ?? null,
  stock: d.stock,
  stockStatus: d.stockStatus,
  popularity: d.popularity ?? 0,
  createdAt: d.createdAt ?? d.updatedAt,
  updatedAt: d.updatedAt,
  version: d.version,
});
