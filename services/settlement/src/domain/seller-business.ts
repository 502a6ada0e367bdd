import { ApiError, type Dapr } from '@mp/platform';

/** 사업자 정보 printed on a statement, from the seller service (`GET /internal/sellers/{id}`). */
export interface SellerBusiness {
  storeName: string;
  businessNumber: string;
  representative: string;
  mailOrderNumber: string;
  businessAddress: string | null;
}

/**
 * The seller's business details, or null for a seller the seller service does not know. An
 * unreachable seller service throws: the statement waits for the next attempt rather than
 * being issued without them.
 */
export async function sellerBusiness(
  dapr: Pick<Dapr, 'call'>,
  sellerId: string,
): Promise<SellerBusiness | null> {
  try {
    const s = await dapr.call('seller.sellers.get', { params: { id: sellerId } });
    return { storeName: s.storeName, ...s.business };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
