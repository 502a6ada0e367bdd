import { type GradeRule, type Kysely, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

export interface GradePolicy {
  /** The grade of everyone below the first threshold. */
  base: string;
  /** Ascending by minAmount. */
  rules: GradeRule[];
  windowDays: number;
}

export { type GradeRule, parseGradeRules } from '@mp/platform';

/** The grade a net paid amount earns. */
export function gradeFor(policy: GradePolicy, netPaid: number): string {
  let grade = policy.base;
  for (const r of policy.rules) if (netPaid >= r.minAmount) grade = r.grade;
  return grade;
}

/** The next grade up and how much more it takes, or null at the top. */
export function nextGrade(policy: GradePolicy, netPaid: number) {
  const next = policy.rules.find((r) => netPaid < r.minAmount);
  return next ? { grade: next.grade, minAmount: next.minAmount, remaining: next.minAmount - netPaid } : null;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Net paid amount (payments minus their refunds) of payments made in the window. */
export async function netPaidInWindow(db: Db, userId: string, windowDays: number, now = new Date()) {
  const since = new Date(now.getTime() - windowDays * 86_400_000);
  const { rows } = await sql<{ paid: number; refunded: number }>`
    select coalesce(sum(p.amount), 0)::bigint as paid,
           coalesce((select sum(r.amount) from refunds r join payments q on q.payment_id = r.payment_id
                     where q.user_id = ${userId} and q.paid_at >= ${since}), 0)::bigint as refunded
    from payments p where p.user_id = ${userId} and p.paid_at >= ${since}`.execute(db);
  const row = rows[0]!;
  return Math.max(0, Number(row.paid) - Number(row.refunded));
}

/** Lifetime purchase counters (구매 이력). */
export async function purchaseCounters(db: Db, userId: string) {
  const { rows } = await sql<{
    paid_orders: number;
    shipped_orders: number;
    completed_orders: number;
    total_paid: number;
  }>`
    select (select count(distinct order_id) from payments where user_id = ${userId})::int as paid_orders,
           (select count(distinct s.order_id) from shipments s
              where s.order_id in (select order_id from payments where user_id = ${userId}))::int as shipped_orders,
           (select count(*) from completed_orders where user_id = ${userId})::int as completed_orders,
           (select coalesce(sum(p.amount), 0) - coalesce((select sum(r.amount) from refunds r
                      join payments q on q.payment_id = r.payment_id where q.user_id = ${userId}), 0)
              from payments p where p.user_id = ${userId})::bigint as total_paid`.execute(db);
  const r = rows[0]!;
  return {
    paidOrders: r.paid_orders,
    shippedOrders: r.shipped_orders,
    completedOrders: r.completed_orders,
    totalPaidAmount: Math.max(0, Number(r.total_paid)),
  };
}
