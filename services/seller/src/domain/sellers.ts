import {
  type EventPublisher,
  isId,
  type Kysely,
  notFound,
  type Selectable,
  type Transaction,
} from '@mp/platform';
import type { BusinessInfoTable, Database, SellersTable, StoresTable } from '../db/schema.ts';
import { formatBusinessNumber } from './business-number.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type Trx = Transaction<Database>;
export interface Deps {
  db: Kysely<Database>;
  events: EventPublisher;
}

export interface SellerView {
  seller: Selectable<SellersTable>;
  store: Selectable<StoresTable>;
  business: Selectable<BusinessInfoTable>;
}
export const sellerNotFound = () => notFound('SELLER_NOT_FOUND', 'No such seller');

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
