import { sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** Counts a sign-up on its Korean calendar day. Not idempotent by itself: the kit runs it once per event. */
export async function countSignup(
  trx: Transaction<Database>,
  createdAt: string,
  role: string,
): Promise<void> {
  await sql`
    insert into daily_signups (day, role, count)
    values ((${createdAt}::timestamptz at time zone 'Asia/Seoul')::date, ${role}, 1)
    on conflict (day, role) do update set count = daily_signups.count + 1`.execute(trx);
}
