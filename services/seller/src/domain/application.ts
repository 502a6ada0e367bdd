import { conflict, lockKey, publishOptions, unprocessable } from '@mp/platform';
import { isValidBusinessNumber, normalizeBusinessNumber } from './business-number.ts';
import { type Deps, findSeller, getSeller, type SellerView } from './sellers.ts';

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
