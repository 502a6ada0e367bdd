import { conflict, publishOptions } from '@mp/platform';
import type { StoresTable } from '../db/schema.ts';
import { type Deps, getSeller, type SellerView } from './sellers.ts';

export interface StorePatch {
  storeName?: string | undefined;
  description?: string | null | undefined;
  csPhone?: string | null | undefined;
  csEmail?: string | null | undefined;
  logoFileId?: string | null | undefined;
}

/** Changes the storefront; `store.updated` names what changed. A suspended or rejected store cannot. */
export async function updateStore(deps: Deps, sellerId: string, patch: StorePatch): Promise<SellerView> {
  return deps.db.transaction().execute(async (trx) => {
    const view = await getSeller(trx, sellerId, true);
    if (view.seller.status === 'SUSPENDED' || view.seller.status === 'REJECTED')
      throw conflict('SELLER_NOT_ACTIVE', `A ${view.seller.status.toLowerCase()} store cannot be changed`);
    const columns = {
      storeName: 'store_name',
      description: 'description',
      csPhone: 'cs_phone',
      csEmail: 'cs_email',
      logoFileId: 'logo_file_id',
    } as const;
    const set: Record<string, unknown> = {};
    const changes: string[] = [];
    for (const [field, column] of Object.entries(columns) as [keyof StorePatch, keyof StoresTable][]) {
      const value = patch[field];
      if (value !== undefined && value !== view.store[column]) {
        set[column] = value;
        changes.push(field);
      }
    }
    if (!changes.length) return view;
    const now = new Date();
    await trx
      .updateTable('stores')
      .set({ ...set, updated_at: now })
      .where('seller_id', '=', sellerId)
      .execute();
    await deps.events.publish(
      trx,
      'store.updated',
      {
        sellerId,
        storeName: patch.storeName ?? view.store.store_name,
        changes,
        updatedAt: now.toISOString(),
      },
      publishOptions('seller', sellerId, { userId: sellerId }),
    );
    return getSeller(trx, sellerId);
  });
}
