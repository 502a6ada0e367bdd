/** 상품·로그인·쿠폰 통계: counters per Korean day, moved atomically; the kit runs each event once. */
import type { EventData } from '@mp/contracts';
import { sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

type Trx = Transaction<Database>;
const kstDay = (at: string) => sql`(${at}::timestamptz at time zone 'Asia/Seoul')::date`;

export async function countProduct(trx: Trx, p: EventData<'product.created'>): Promise<void> {
  await sql`
    insert into products_daily (day, seller_id, category_id, created) values (${kstDay(p.updatedAt)}, ${p.sellerId}, ${p.categoryId}, 1)
    on conflict (day, seller_id, category_id) do update set created = products_daily.created + 1`.execute(
    trx,
  );
}

/** Logins and distinct users per day (DAU). */
export async function countLogin(trx: Trx, l: EventData<'auth.user.login'>): Promise<void> {
  const { rows } = await sql<{ user_id: string }>`
    insert into login_users (day, user_id) values (${kstDay(l.loggedInAt)}, ${l.userId})
    on conflict do nothing returning user_id`.execute(trx);
  const newUser = rows.length;
  await sql`
    insert into logins_daily (day, logins, users) values (${kstDay(l.loggedInAt)}, 1, ${newUser})
    on conflict (day) do update set logins = logins_daily.logins + 1, users = logins_daily.users + ${newUser}`.execute(
    trx,
  );
}

export async function countCouponUse(trx: Trx, c: EventData<'coupon.used'>): Promise<void> {
  await sql`
    insert into coupons_daily (day, coupon_id, uses, discount_amount) values (${kstDay(c.usedAt)}, ${c.couponId}, 1, ${c.discountAmount})
    on conflict (day, coupon_id) do update set uses = coupons_daily.uses + 1,
      discount_amount = coupons_daily.discount_amount + excluded.discount_amount`.execute(trx);
}
