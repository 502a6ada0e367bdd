import {
  ApiError,
  isId,
  type Kysely,
  newId,
  notFound,
  type Selectable,
  type ServiceDeps,
  sql,
  type Transaction,
  unprocessable,
} from '@mp/platform';
import type { Database, PromotionsTable } from '../db/schema.ts';
import { type Coupon, toCouponDto } from './dto.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type Promotion = Selectable<PromotionsTable>;
export type PromotionStatus = 'DRAFT' | 'SCHEDULED' | 'ACTIVE' | 'ENDED';

/** Who manages a promotion: an admin (the platform's 기획전) or a seller (its own). */
export interface Organizer {
  userId: string;
  role: 'admin' | 'seller';
}

export interface PromotionInput {
  name: string;
  description?: string | undefined;
  bannerFileId?: string | null | undefined;
  startsAt: string;
  endsAt: string;
  published?: boolean | undefined;
  couponIds: string[];
}

/**
 * The status is computed, never stored: a draft until published, then SCHEDULED before its
 * period, ACTIVE within [startsAt, endsAt), ENDED after.
 */
export function statusOf(p: Promotion, now = Date.now()): PromotionStatus {
  if (!p.published) return 'DRAFT';
  if (now < p.starts_at.getTime()) return 'SCHEDULED';
  return now < p.ends_at.getTime() ? 'ACTIVE' : 'ENDED';
}

/** Coupons an organizer may feature: an admin any live coupon, a seller only its own. */
async function checkAttachable(db: Db, by: Organizer, couponIds: string[]) {
  const ids = couponIds.filter(isId);
  const found = ids.length
    ? await db.selectFrom('coupons').select(['id', 'seller_id', 'status']).where('id', 'in', ids).execute()
    : [];
  const ok = new Set(
    found
      .filter((c) => c.status !== 'DELETED' && (by.role === 'admin' || c.seller_id === by.userId))
      .map((c) => c.id),
  );
  const errors = couponIds
    .map((id, i) => ({ id, path: `couponIds.${i}` }))
    .filter((e) => !ok.has(e.id))
    .map((e) => ({ path: e.path, message: `no coupon ${e.id} you may feature` }));
  if (errors.length)
    throw unprocessable('COUPON_NOT_ATTACHABLE', 'Some coupons cannot be featured in this promotion', {
      errors,
    });
}

/** The banner must be the organizer's own uploaded image (file's `GET /internal/files/{id}`). */
async function checkBanner(deps: Pick<ServiceDeps<Database>, 'dapr'>, by: Organizer, fileId: string) {
  const refuse = (message: string) =>
    unprocessable('BANNER_NOT_USABLE', message, { errors: [{ path: 'bannerFileId', message }] });
  try {
    const f = await deps.dapr.call('file.files.get', { params: { id: fileId } });
    if (f.status !== 'READY') throw refuse('the banner file is not ready');
    if (by.role !== 'admin' && f.ownerId !== by.userId) throw refuse('the banner file is not yours');
    if (!f.contentType.startsWith('image/')) throw refuse('the banner must be an image');
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw refuse('no such file');
    throw err;
  }
}

async function attach(trx: Transaction<Database>, promotionId: string, couponIds: string[]) {
  await trx.deleteFrom('promotion_coupons').where('promotion_id', '=', promotionId).execute();
  if (couponIds.length)
    await trx
      .insertInto('promotion_coupons')
      .values(couponIds.map((coupon_id, position) => ({ promotion_id: promotionId, coupon_id, position })))
      .execute();
}

export async function createPromotion(
  deps: Pick<ServiceDeps<Database>, 'db' | 'dapr'>,
  by: Organizer,
  input: PromotionInput,
) {
  const couponIds = [...new Set(input.couponIds)];
  await checkAttachable(deps.db, by, couponIds);
  if (input.bannerFileId) await checkBanner(deps, by, input.bannerFileId);
  return deps.db.transaction().execute(async (trx) => {
    const p = await trx
      .insertInto('promotions')
      .values({
        id: newId(),
        name: input.name,
        description: input.description ?? '',
        banner_file_id: input.bannerFileId ?? null,
        starts_at: new Date(input.startsAt),
        ends_at: new Date(input.endsAt),
        published: input.published ?? false,
        owner: by.role === 'admin' ? 'ADMIN' : 'SELLER',
        seller_id: by.role === 'seller' ? by.userId : null,
        created_by: by.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await attach(trx, p.id, couponIds);
    return p;
  });
}

/** A promotion its organizer may manage: an admin any, a seller its own (another's is a 404). */
export async function managedPromotion(db: Db, by: Organizer, id: string) {
  let q = db.selectFrom('promotions').selectAll().where('id', '=', id);
  if (by.role !== 'admin') q = q.where('seller_id', '=', by.userId);
  const p = await q.executeTakeFirst();
  if (!p) throw notFound('PROMOTION_NOT_FOUND', 'No such promotion of yours');
  return p;
}

export async function updatePromotion(
  deps: Pick<ServiceDeps<Database>, 'db' | 'dapr'>,
  by: Organizer,
  id: string,
  patch: Partial<PromotionInput>,
) {
  const current = await managedPromotion(deps.db, by, id);
  const startsAt = patch.startsAt ? new Date(patch.startsAt) : current.starts_at;
  const endsAt = patch.endsAt ? new Date(patch.endsAt) : current.ends_at;
  if (endsAt <= startsAt)
    throw unprocessable('PROMOTION_PERIOD_INVALID', 'endsAt must be after startsAt', {
      errors: [
        { path: patch.endsAt ? 'endsAt' : 'startsAt', message: 'the period must end after it starts' },
      ],
    });
  const couponIds = patch.couponIds ? [...new Set(patch.couponIds)] : undefined;
  if (couponIds) await checkAttachable(deps.db, by, couponIds);
  if (patch.bannerFileId) await checkBanner(deps, by, patch.bannerFileId);
  return deps.db.transaction().execute(async (trx) => {
    const p = await trx
      .updateTable('promotions')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.bannerFileId !== undefined ? { banner_file_id: patch.bannerFileId } : {}),
        ...(patch.published !== undefined ? { published: patch.published } : {}),
        starts_at: startsAt,
        ends_at: endsAt,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (couponIds) await attach(trx, p.id, couponIds);
    return p;
  });
}

/** The coupons a promotion features, in its order; `claimableOnly` leaves out those no one can claim now. */
export async function couponsOf(db: Db, promotionId: string, claimableOnly: boolean): Promise<Coupon[]> {
  let q = db
    .selectFrom('promotion_coupons as pc')
    .innerJoin('coupons as c', 'c.id', 'pc.coupon_id')
    .selectAll('c')
    .where('pc.promotion_id', '=', promotionId)
    .orderBy('pc.position');
  if (claimableOnly)
    q = q
      .where('c.status', '=', 'ACTIVE')
      .where('c.valid_until', '>', sql<Date>`now()`)
      .where((eb) =>
        eb.or([eb('c.total_quantity', 'is', null), eb('c.issued_count', '<', eb.ref('c.total_quantity'))]),
      );
  return q.execute();
}

export const toPromotionDto = (p: Promotion, coupons?: Coupon[]) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  bannerFileId: p.banner_file_id,
  startsAt: p.starts_at.toISOString(),
  endsAt: p.ends_at.toISOString(),
  status: statusOf(p),
  owner: p.owner,
  sellerId: p.seller_id,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
  ...(coupons ? { coupons: coupons.map(toCouponDto) } : {}),
});
