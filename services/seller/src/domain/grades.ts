import { type GradeRule, type Kysely, sql, type Transaction } from '@mp/platform';
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

/**
 * An order's sales facts changed (placed, paid, cancelled): its sellers' grades are looked at by the
 * next review. One insert, no lock on the seller: a big seller's orders do not queue behind each
 * other. Every fact's transaction queues the order, so the review that takes the last one to commit
 * sees all of them.
 */
export const queueGradeReview = (trx: Transaction<Database>, orderId: string) =>
  trx.insertInto('grade_review_queue').values({ order_id: orderId }).execute();

/**
 * The same queueing as a data-modifying CTE, for a statement the handler sends anyway
 * (`queuingGradeReview(trx, id).insertInto('order_payments')…`): one round trip for both.
 * PostgreSQL runs the CTE's insert whatever the main statement does.
 */
export const queuingGradeReview = (trx: Transaction<Database>, orderId: string) =>
  trx.with('queued', (db) =>
    db.insertInto('grade_review_queue').values({ order_id: orderId }).returning('order_id'),
  );

/**
 * The grade review (판매자 등급 평가), run periodically by the seller-grade-review worker: each seller
 * of the queued orders once (however many of its orders were queued), then, since sales leave the
 * window with no event to say so, grades above the base not looked at for a day. A batch per
 * transaction (SKIP LOCKED: replicas share the queue); returns the sellers evaluated.
 */
export async function reviewGrades(
  db: Kysely<Database>,
  rules: GradeRule[],
  windowDays: number,
  batch = 500,
): Promise<number> {
  const evaluate = async (trx: Transaction<Database>, sellers: { seller_id: string }[]) => {
    for (const s of sellers) await reevaluateSellerGrade(trx, rules, windowDays, s.seller_id);
  };
  let evaluated = 0;
  for (let taken = batch; taken === batch; ) {
    taken = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ seller_id: string | null; taken: number }>`
        with taken as (
          delete from grade_review_queue where id in (
            select id from grade_review_queue order by id limit ${batch} for update skip locked)
          returning order_id)
        select o.seller_id, (select count(*) from taken)::int as taken
        from (select 1) one
        left join (select distinct s.seller_id from seller_orders s join taken t on t.order_id = s.order_id) o on true
        order by o.seller_id`.execute(trx);
      const sellers = rows.filter((r): r is { seller_id: string; taken: number } => r.seller_id !== null);
      await evaluate(trx, sellers);
      evaluated += sellers.length;
      return rows[0]?.taken ?? 0;
    });
  }
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ seller_id: string }>`
      select seller_id from sellers
      where grade <> ${BASE_GRADE} and (grade_evaluated_at is null or grade_evaluated_at < now() - interval '1 day')
      order by seller_id limit ${batch} for update skip locked`.execute(trx);
    await evaluate(trx, rows);
    evaluated += rows.length;
  });
  return evaluated;
}
