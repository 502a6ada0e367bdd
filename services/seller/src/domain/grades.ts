import { type GradeRule, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** The grade everyone starts with (신규). */
export const BASE_GRADE = 'NEW';

export { type GradeRule, parseGradeRules } from '@mp/platform';

export const gradeFor = (rules: GradeRule[], sales: number) =>
  rules.reduce((g, r) => (sales >= r.minAmount ? r.grade : g), BASE_GRADE);

/** Net sales of the window: this seller's share of orders paid in it and not cancelled. */
export async function salesInWindow(trx: Transaction<Database>, sellerId: string, windowDays: number) {
  const { rows } = await sql<{ sales: number }>`
    select coalesce(sum(o.amount), 0)::bigint as sales
    from seller_orders o join order_payments p on p.order_id = o.order_id
    where o.seller_id = ${sellerId} and p.paid_at >= now() - make_interval(days => ${windowDays})
      and not exists (select 1 from order_cancellations c where c.order_id = o.order_id)`.execute(trx);
  return Number(rows[0]!.sales);
}

/** Looks at a seller's grade again (under the seller's row lock). */
export async function reevaluateSellerGrade(
  trx: Transaction<Database>,
  rules: GradeRule[],
  windowDays: number,
  sellerId: string,
): Promise<string | undefined> {
  const seller = await trx
    .selectFrom('sellers')
    .select(['grade'])
    .where('seller_id', '=', sellerId)
    .forUpdate()
    .executeTakeFirst();
  if (!seller) return undefined;
  const grade = gradeFor(rules, await salesInWindow(trx, sellerId, windowDays));
  await trx
    .updateTable('sellers')
    .set({ grade, grade_evaluated_at: new Date() })
    .where('seller_id', '=', sellerId)
    .execute();
  return grade;
}
