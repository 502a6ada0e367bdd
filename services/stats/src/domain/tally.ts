/**
 * The day counters an event moves (sales_daily, sales_breakdown_daily) are hot rows: one per
 * Korean day and seller, and the platform's one every order touches. An event's handler adds its
 * counts up in memory and writes them in ONE statement at its end, rows in a fixed order, so each
 * row is locked only from that statement to the commit (not across the handler's other reads and
 * writes) and two events never take them in opposite orders.
 */
import type { EventOf, EventType } from '@mp/contracts';
import { type PreparedHandler, preparedHandler, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

type Trx = Transaction<Database>;

export const dailyCounters = [
  'orders',
  'ordered_amount',
  'paid_orders',
  'paid_amount',
  'completed_orders',
  'completed_amount',
  'cancelled_orders',
  'refunds',
  'refunded_amount',
] as const;
export type DailyCounter = (typeof dailyCounters)[number];

interface Pending {
  daily: ({ at: string; seller_id: string } & Partial<Record<DailyCounter, number>>)[];
  breakdowns: {
    at: string;
    dimension: string;
    key: string;
    seller_id: string;
    orders: number;
    quantity: number;
    amount: number;
  }[];
}

const pending = new WeakMap<Trx, Pending>();

/**
 * A handler whose counters are written once per transaction: each event's `count` adds into its
 * own list (emptied on every run, for a batch that runs again event by event), and the batch's
 * `finish` writes all of them in ONE statement at its end (sums per row, rows in a fixed order):
 * one write of the hot rows per delivery instead of one per event.
 */
export function countedHandler<T extends EventType>(
  count: (trx: Trx, event: EventOf<T>) => Promise<unknown>,
): PreparedHandler<Database, T, Pending> {
  return preparedHandler({
    prepare: async () => ({ daily: [], breakdowns: [] }),
    async handle(event, { trx }, p) {
      p.daily.length = 0;
      p.breakdowns.length = 0;
      pending.set(trx, p);
      try {
        await count(trx, event);
      } finally {
        pending.delete(trx);
      }
    },
    finish: (all, { trx }) =>
      write(trx, { daily: all.flatMap((p) => p.daily), breakdowns: all.flatMap((p) => p.breakdowns) }),
  });
}

export async function addDaily(
  trx: Trx,
  at: string | Date,
  sellerId: string,
  add: Partial<Record<DailyCounter, number>>,
) {
  if (!dailyCounters.some((c) => add[c])) return;
  const row = { at: typeof at === 'string' ? at : at.toISOString(), seller_id: sellerId, ...add };
  const p = pending.get(trx);
  if (p) p.daily.push(row);
  else await write(trx, { daily: [row], breakdowns: [] });
}

export async function addBreakdown(trx: Trx, row: Pending['breakdowns'][number]) {
  const p = pending.get(trx);
  if (p) p.breakdowns.push(row);
  else await write(trx, { daily: [], breakdowns: [row] });
}

const kst = (at: unknown) => sql`(${at}::timestamptz at time zone 'Asia/Seoul')::date`;

async function write(trx: Trx, p: Pending) {
  const inserts = [];
  if (p.daily.length) {
    const cols = dailyCounters.map((c) => sql.ref(c));
    inserts.push(sql`
      insert into sales_daily (day, seller_id, ${sql.join(cols)})
      select ${kst(sql.ref('v.at'))} as day, v.seller_id, ${sql.join(cols.map((c) => sql`coalesce(sum(${c}), 0)`))}
      from jsonb_to_recordset(${JSON.stringify(p.daily)}::jsonb)
        as v(at text, seller_id text, ${sql.join(dailyCounters.map((c) => sql`${sql.ref(c)} bigint`))})
      group by 1, 2 order by 1, 2
      on conflict (day, seller_id) do update set
        ${sql.join(cols.map((c) => sql`${c} = sales_daily.${c} + excluded.${c}`))}`);
  }
  if (p.breakdowns.length) {
    inserts.push(sql`
      insert into sales_breakdown_daily (day, dimension, key, seller_id, orders, quantity, amount)
      select ${kst(sql.ref('v.at'))} as day, v.dimension, v.key, v.seller_id, sum(v.orders), sum(v.quantity), sum(v.amount)
      from jsonb_to_recordset(${JSON.stringify(p.breakdowns)}::jsonb)
        as v(at text, dimension text, key text, seller_id text, orders int, quantity int, amount bigint)
      group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (day, dimension, key, seller_id) do update set orders = sales_breakdown_daily.orders + excluded.orders,
        quantity = sales_breakdown_daily.quantity + excluded.quantity, amount = sales_breakdown_daily.amount + excluded.amount`);
  }
  const [first, second] = inserts;
  if (!first) return;
  await (second ? sql`with daily as (${first}) ${second}` : first).execute(trx);
}
