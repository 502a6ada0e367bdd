import { conflict, type EventPublisher, publishOptions } from '@mp/platform';
import type { SellerStatus } from '../db/schema.ts';
import { type Deps, findSeller, getSeller, type SellerView, sellerNotFound, type Trx } from './sellers.ts';

const transition = (from: SellerStatus, to: SellerStatus) =>
  conflict('INVALID_TRANSITION', `A ${from} seller cannot become ${to}`);

/** 입점 승인: PENDING, REJECTED or SUSPENDED → VERIFIED and `seller.verified`; approving a verified one changes nothing. */
export async function approve(
  deps: Deps,
  sellerId: string,
  adminId: string | undefined,
): Promise<{ view: SellerView; changed: boolean }> {
  return deps.db.transaction().execute(async (trx) => {
    const view = await getSeller(trx, sellerId, true);
    if (view.seller.status === 'VERIFIED') return { view, changed: false };
    const now = new Date();
    await trx
      .updateTable('sellers')
      .set({
        status: 'VERIFIED',
        verified_at: now,
        verified_by: adminId ?? null,
        suspended_at: null,
        suspension_reason: null,
        suspended_with_account: null,
        rejected_at: null,
        rejection_reason: null,
        updated_at: now,
      })
      .where('seller_id', '=', sellerId)
      .execute();
    await deps.events.publish(
      trx,
      'seller.verified',
      {
        sellerId,
        userId: sellerId,
        ...(adminId ? { verifiedBy: adminId } : {}),
        verifiedAt: now.toISOString(),
      },
      publishOptions('seller', sellerId, { userId: sellerId }),
    );
    return { view: await getSeller(trx, sellerId), changed: true };
  });
}

/** 입점 반려: only a PENDING application can be rejected (a verified store is suspended instead). */
export async function reject(deps: Deps, sellerId: string, reason: string): Promise<SellerView> {
  return deps.db.transaction().execute(async (trx) => {
    const view = await getSeller(trx, sellerId, true);
    if (view.seller.status === 'REJECTED') return view;
    if (view.seller.status !== 'PENDING') throw transition(view.seller.status, 'REJECTED');
    const now = new Date();
    await trx
      .updateTable('sellers')
      .set({ status: 'REJECTED', rejected_at: now, rejection_reason: reason, updated_at: now })
      .where('seller_id', '=', sellerId)
      .execute();
    await deps.events.publish(
      trx,
      'store.updated',
      {
        sellerId,
        storeName: view.store.store_name,
        changes: ['status'],
        status: 'REJECTED',
        reason,
        updatedAt: now.toISOString(),
      },
      publishOptions('seller', sellerId, { userId: sellerId }),
    );
    return getSeller(trx, sellerId);
  });
}

/** 판매 정지: PENDING or VERIFIED → SUSPENDED and `seller.suspended` (product stops listing it). */
export async function suspend(
  trx: Trx,
  events: EventPublisher,
  sellerId: string,
  reason: string,
  o: { withAccount?: boolean } = {},
) {
  const view = await findSeller(trx, sellerId, true);
  if (!view) return undefined;
  if (view.seller.status === 'SUSPENDED') return view;
  if (view.seller.status === 'REJECTED') throw transition('REJECTED', 'SUSPENDED');
  const now = new Date();
  await trx
    .updateTable('sellers')
    .set({
      status: 'SUSPENDED',
      suspended_at: now,
      suspension_reason: reason,
      suspended_with_account: o.withAccount ? (view.seller.status as 'PENDING' | 'VERIFIED') : null,
      updated_at: now,
    })
    .where('seller_id', '=', sellerId)
    .execute();
  await events.publish(
    trx,
    'seller.suspended',
    { sellerId, userId: sellerId, reason, suspendedAt: now.toISOString() },
    publishOptions('seller', sellerId, { userId: sellerId }),
  );
  return getSeller(trx, sellerId);
}

/**
 * The account is active again: a store its suspension closed goes back to what it was — VERIFIED
 * with `seller.verified` (product puts its products back on sale), or a PENDING application with
 * `store.updated` (status PENDING). A store suspended for its own reasons, or an account never
 * suspended, changes nothing.
 */
export async function reopenWithAccount(trx: Trx, events: EventPublisher, sellerId: string) {
  const view = await findSeller(trx, sellerId, true);
  const back = view?.seller.status === 'SUSPENDED' ? view.seller.suspended_with_account : null;
  if (!view || !back) return false;
  const now = new Date();
  await trx
    .updateTable('sellers')
    .set({
      status: back,
      suspended_at: null,
      suspension_reason: null,
      suspended_with_account: null,
      updated_at: now,
    })
    .where('seller_id', '=', sellerId)
    .execute();
  const opts = publishOptions('seller', sellerId, { userId: sellerId });
  if (back === 'VERIFIED')
    await events.publish(
      trx,
      'seller.verified',
      { sellerId, userId: sellerId, verifiedAt: now.toISOString() },
      opts,
    );
  else
    await events.publish(
      trx,
      'store.updated',
      {
        sellerId,
        storeName: view.store.store_name,
        changes: ['status'],
        status: 'PENDING',
        updatedAt: now.toISOString(),
      },
      opts,
    );
  return true;
}

export async function suspendById(deps: Deps, sellerId: string, reason: string): Promise<SellerView> {
  const view = await deps.db.transaction().execute((trx) => suspend(trx, deps.events, sellerId, reason));
  if (!view) throw sellerNotFound();
  return view;
}
