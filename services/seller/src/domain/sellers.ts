import {
  conflict,
  type EventPublisher,
  isId,
  type Kysely,
  lockKey,
  notFound,
  publishOptions,
  type Selectable,
  type Transaction,
  unprocessable,
} from '@mp/platform';
import type { BusinessInfoTable, Database, SellerStatus, SellersTable, StoresTable } from '../db/schema.ts';
import { formatBusinessNumber, isValidBusinessNumber, normalizeBusinessNumber } from './business-number.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;
interface Deps {
  db: Kysely<Database>;
  events: EventPublisher;
}

export interface SellerView {
  seller: Selectable<SellersTable>;
  store: Selectable<StoresTable>;
  business: Selectable<BusinessInfoTable>;
}
const sellerNotFound = () => notFound('SELLER_NOT_FOUND', 'No such seller');

export async function findSeller(db: Db, sellerId: string, lock = false): Promise<SellerView | undefined> {
  if (!isId(sellerId)) return undefined;
  let q = db.selectFrom('sellers').selectAll().where('seller_id', '=', sellerId);
  if (lock) q = q.forUpdate();
  const seller = await q.executeTakeFirst();
  if (!seller) return undefined;
  const store = await db
    .selectFrom('stores')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .executeTakeFirstOrThrow();
  const business = await db
    .selectFrom('business_info')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .executeTakeFirstOrThrow();
  return { seller, store, business };
}

export async function getSeller(db: Db, sellerId: string, lock = false): Promise<SellerView> {
  const view = await findSeller(db, sellerId, lock);
  if (!view) throw sellerNotFound();
  return view;
}

export const toSellerDto = ({ seller, store, business }: SellerView) => ({
  sellerId: seller.seller_id,
  userId: seller.seller_id,
  status: seller.status,
  grade: seller.grade,
  storeName: store.store_name,
  description: store.description,
  csPhone: store.cs_phone,
  csEmail: store.cs_email,
  logoFileId: store.logo_file_id,
  businessNumber: formatBusinessNumber(business.business_number),
  representative: business.representative,
  mailOrderNumber: business.mail_order_number,
  businessAddress: business.business_address,
  appliedAt: seller.applied_at.toISOString(),
  verifiedAt: seller.verified_at?.toISOString() ?? null,
  rejectionReason: seller.rejection_reason,
  suspensionReason: seller.suspension_reason,
});

export interface Application {
  storeName: string;
  businessNumber: string;
  representative: string;
  mailOrderNumber: string;
  businessAddress?: string | undefined;
  description?: string | undefined;
  csPhone?: string | undefined;
  csEmail?: string | undefined;
}

const badNumber = () =>
  unprocessable('BUSINESS_NUMBER_INVALID', 'The 사업자등록번호 is not valid', {
    errors: [{ path: 'businessNumber', message: 'the check digit does not match', in: 'body' }],
  });

/**
 * A seller account applies (입점 신청) → PENDING and `seller.created`. A rejected applicant may
 * apply again. A 사업자등록번호 belongs to one applicant at a time (checked under an advisory lock
 * on the number, so two applications cannot both take it).
 */
export async function apply(
  deps: Deps,
  userId: string,
  a: Application,
): Promise<{ view: SellerView; created: boolean }> {
  if (!isValidBusinessNumber(a.businessNumber)) throw badNumber();
  const number = normalizeBusinessNumber(a.businessNumber)!;
  return deps.db.transaction().execute(async (trx) => {
    await lockKey(trx, `business-number:${number}`);
    const existing = await findSeller(trx, userId, true);
    if (existing && existing.seller.status !== 'REJECTED')
      throw conflict('SELLER_EXISTS', `This account already applied (status ${existing.seller.status})`);
    const taken = await trx
      .selectFrom('business_info as b')
      .innerJoin('sellers as s', 's.seller_id', 'b.seller_id')
      .select('b.seller_id')
      .where('b.business_number', '=', number)
      .where('s.status', '<>', 'REJECTED')
      .where('b.seller_id', '<>', userId)
      .executeTakeFirst();
    if (taken)
      throw conflict('BUSINESS_NUMBER_TAKEN', 'Another store is registered with this 사업자등록번호', {
        errors: [{ path: 'businessNumber', message: 'already registered', in: 'body' }],
      });
    const now = new Date();
    const store = {
      store_name: a.storeName,
      description: a.description ?? null,
      cs_phone: a.csPhone ?? null,
      cs_email: a.csEmail ?? null,
      updated_at: now,
    };
    const business = {
      business_number: number,
      representative: a.representative,
      mail_order_number: a.mailOrderNumber,
      business_address: a.businessAddress ?? null,
    };
    if (existing) {
      await trx
        .updateTable('sellers')
        .set({
          status: 'PENDING',
          applied_at: now,
          rejected_at: null,
          rejection_reason: null,
          updated_at: now,
        })
        .where('seller_id', '=', userId)
        .execute();
      await trx.updateTable('stores').set(store).where('seller_id', '=', userId).execute();
      await trx.updateTable('business_info').set(business).where('seller_id', '=', userId).execute();
    } else {
      await trx
        .insertInto('sellers')
        .values({
          seller_id: userId,
          status: 'PENDING',
          applied_at: now,
          verified_at: null,
          verified_by: null,
          rejected_at: null,
          rejection_reason: null,
          suspended_at: null,
          suspension_reason: null,
          grade_evaluated_at: null,
        })
        .execute();
      await trx
        .insertInto('stores')
        .values({ seller_id: userId, logo_file_id: null, ...store })
        .execute();
      await trx
        .insertInto('business_info')
        .values({ seller_id: userId, ...business })
        .execute();
    }
    await deps.events.publish(
      trx,
      'seller.created',
      { sellerId: userId, userId, storeName: a.storeName, status: 'PENDING', createdAt: now.toISOString() },
      publishOptions('seller', userId, { userId }),
    );
    return { view: await getSeller(trx, userId), created: !existing };
  });
}

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
