import type { EventPublisher, Kysely } from '@mp/platform';
import { publishOptions, sql } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/**
 * The scheduled expiry (a Dapr cron binding calls it): coupons past their validity become EXPIRED
 * with their unused issued coupons, one transaction and one `coupon.expired` per coupon.
 * Replicas share the work (SKIP LOCKED); a run that dies half-way is finished by the next.
 */
export async function expireCoupons(
  db: Kysely<Database>,
  events: EventPublisher,
  batch = 100,
): Promise<number> {
  let expired = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('coupons')
        .select(['id'])
        .where('status', '=', 'ACTIVE')
        .where('valid_until', '<=', sql<Date>`now()`)
        .orderBy('valid_until')
        .limit(batch)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const { id } of due) {
        await trx.updateTable('coupons').set({ status: 'EXPIRED' }).where('id', '=', id).execute();
        const users = await trx
          .updateTable('user_coupons')
          .set({ status: 'EXPIRED' })
          .where('coupon_id', '=', id)
          .where('status', '=', 'ISSUED')
          .executeTakeFirst();
        await events.publish(
          trx,
          'coupon.expired',
          {
            couponId: id,
            expiredUserCoupons: Number(users.numUpdatedRows),
            expiredAt: new Date().toISOString(),
          },
          publishOptions('coupon', id),
        );
      }
      return due.length;
    });
    expired += done;
    if (done < batch) return expired;
  }
}
