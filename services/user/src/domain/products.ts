import type { productLookupReply } from '@mp/contracts';
import { ApiError, type Dapr, type Logger, type z } from '@mp/platform';

/** A product as product's `POST /internal/products/lookup` describes it (the contracts' lookup). */
export type ProductSummary = z.output<typeof productLookupReply>['items'][number];

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
      const res = await dapr.call('product.products.lookup', {
        body: { productIds: productIds.slice(i, i + 100) },
        timeoutMs: 2000,
      });
      for (const p of res.items) found.set(p.productId, p);
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
