import { ApiError, type Dapr, type Logger } from '@mp/platform';

/** A product as product's `POST /internal/products/lookup` describes it (contract 4). */
export interface ProductSummary {
  productId: string;
  sellerId: string;
  name: string;
  price: number;
  brand: string | null;
  status: string;
  thumbnailUrl: string | null;
}

/**
 * Looks products up through product (Dapr invocation). `undefined` means product could not answer
 * (not deployed yet, down, slow): callers degrade to bare ids instead of failing.
 */
export async function lookupProducts(
  dapr: Dapr,
  log: Logger,
  productIds: string[],
): Promise<Map<string, ProductSummary> | undefined> {
  const found = new Map<string, ProductSummary>();
  if (!productIds.length) return found;
  try {
    for (let i = 0; i < productIds.length; i += 100) {
      const res = await dapr.invoke<{ items: ProductSummary[] }>('product', '/internal/products/lookup', {
        body: { productIds: productIds.slice(i, i + 100) },
        timeoutMs: 2000,
      });
      for (const p of res.items ?? []) found.set(p.productId, p);
    }
    return found;
  } catch (err) {
    log.warn(
      { err: err instanceof ApiError ? `${err.status} ${err.code}` : String(err) },
      'product lookup unavailable; answering without product data',
    );
    return undefined;
  }
}
