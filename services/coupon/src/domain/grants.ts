import { type EventPublisher, newId, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { whyNotIssuable } from './coupons.ts';

export interface GrantOutcome {
  granted: { userId: string; userCouponId: string }[];
  /** Users who already held the coupon (issued, used or expired): skipped, never issued twice. */
  alreadyHeld: string[];
  /** Users left out because the coupon ran out (COUPON_EXHAUSTED). */
  exhausted: string[];
}

/**
 * Issues a coupon to many users at once (사용자별 발급), inside the caller's transaction and race-free
 * against claims and other grants, in the same order a claim takes its locks: the users' rows go in
 * first (one per user and coupon, by the unique key; sorted, so two grants never deadlock), then the
 * coupon's row is locked and takes as many units as remain. Rows beyond what remains are taken out
 * again in the same transaction and reported, so a partial grant says who got the coupon and who did
 * not; the check constraint `issued_count <= total_quantity` backs it. A coupon that cannot be issued
 * at all (deleted, expired, not yet valid) throws its claim's error and leaves nothing behind.
 */
export async function grantCoupon(
  trx: Transaction<Database>,
  events: EventPublisher,
  couponId: string,
  userIds: readonly string[],
): Promise<GrantOutcome> {
  const wanted = [...new Set(userIds)];
  if (wanted.length === 0) return { granted: [], alreadyHeld: [], exhausted: [] };
  const sorted = [...wanted].sort();
  const inserted = await trx
    .insertInto('user_coupons')
    .values(
      sorted.map((userId) => ({
        id: newId(),
        coupon_id: couponId,
        user_id: userId,
        order_id: null,
        discount_amount: null,
        used_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['coupon_id', 'user_id']).doNothing())
    .returning(['id', 'user_id', 'issued_at'])
    .execute();

  const coupon = await trx
    .selectFrom('coupons')
    .select(['status', 'valid_from', 'valid_until', 'total_quantity', 'issued_count'])
    .where('id', '=', couponId)
    // NO KEY UPDATE, the lock a claim's UPDATE takes: it does not wait for the KEY SHARE locks the
    // users' rows hold on the coupon through their foreign key (FOR UPDATE would, and two grants
    // would deadlock on each other's).
    .forNoKeyUpdate()
    .executeTakeFirst();
  const now = Date.now();
  if (coupon?.status !== 'ACTIVE' || coupon.valid_from.getTime() > now || coupon.valid_until.getTime() <= now)
    throw await whyNotIssuable(trx, couponId);

  const remaining =
    coupon.total_quantity === null
      ? inserted.length
      : Math.max(0, coupon.total_quantity - coupon.issued_count);
  // Keep the request's order: the first users asked for are the ones who get the last units.
  const order = new Map(wanted.map((u, i) => [u, i]));
  const fresh = [...inserted].sort((a, b) => order.get(a.user_id)! - order.get(b.user_id)!);
  const kept = fresh.slice(0, remaining);
  const over = fresh.slice(remaining);
  if (over.length > 0)
    await trx
      .deleteFrom('user_coupons')
      .where(
        'id',
        'in',
        over.map((r) => r.id),
      )
      .execute();
  if (kept.length > 0)
    await trx
      .updateTable('coupons')
      .set({ issued_count: sql`issued_count + ${kept.length}` })
      .where('id', '=', couponId)
      .execute();
  await events.write(
    trx,
    kept.map((r) =>
      events.build(
        'coupon.issued',
        { couponId, userCouponId: r.id, userId: r.user_id, issuedAt: r.issued_at.toISOString() },
        publishOptions('coupon', couponId, { userId: r.user_id }),
      ),
    ),
  );
  const insertedUsers = new Set(inserted.map((r) => r.user_id));
  return {
    granted: kept.map((r) => ({ userId: r.user_id, userCouponId: r.id })),
    alreadyHeld: wanted.filter((u) => !insertedUsers.has(u)),
    exhausted: over.map((r) => r.user_id),
  };
}
