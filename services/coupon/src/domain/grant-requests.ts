import { forbidden, notFound, type ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { findCoupon } from './coupons.ts';
import { grantCoupon } from './grants.ts';
import { checkRecipients, type Refusal } from './recipients.ts';

export interface Granter {
  userId: string;
  role: 'admin' | 'seller';
}

/**
 * The coupon a granter may issue: an admin issues the platform's coupons, a seller only its own
 * (another seller's answers 404 like a missing one, so ids cannot be probed).
 */
export async function grantableCoupon(db: ServiceDeps<Database>['db'], by: Granter, couponId: string) {
  const coupon = await findCoupon(db, couponId);
  const visible =
    coupon && coupon.status !== 'DELETED' && (by.role === 'admin' || coupon.seller_id === by.userId);
  if (!visible) throw notFound('COUPON_NOT_FOUND', 'No such coupon of yours');
  if (by.role === 'admin' && coupon.issuer !== 'ADMIN')
    throw forbidden('COUPON_SELLER_FUNDED', "A seller's coupon is issued by that seller");
  return coupon;
}

/**
 * 사용자별 발급: issues a coupon to the listed users who are active buyers (user's `GET /internal/users/{id}`),
 * skipping those who already hold it, as far as the coupon's quantity goes; says who got it and
 * why the others did not. Repeating the same request grants nothing twice.
 */
export async function grantToUsers(
  { db, dapr, events }: Pick<ServiceDeps<Database>, 'db' | 'dapr' | 'events'>,
  by: Granter,
  couponId: string,
  userIds: readonly string[],
) {
  await grantableCoupon(db, by, couponId);
  const unique = [...new Set(userIds)];
  const { buyers, refused } = await checkRecipients(dapr, unique);
  const outcome = await db.transaction().execute((trx) => grantCoupon(trx, events, couponId, buyers));
  const notGranted: { userId: string; reason: Refusal | 'COUPON_EXHAUSTED' }[] = [
    ...refused,
    ...outcome.exhausted.map((userId) => ({ userId, reason: 'COUPON_EXHAUSTED' as const })),
  ];
  return { couponId, granted: outcome.granted, alreadyHeld: outcome.alreadyHeld, notGranted };
}
