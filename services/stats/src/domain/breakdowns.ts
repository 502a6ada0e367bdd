/**
 * Sales broken down by category, product and payment method, and the catalog they are named by.
 * Counted when an order is placed (order.created, once per event by the kit), per Korean day.
 */
import type { EventData } from '@mp/contracts';
import { sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { PLATFORM } from './sales.ts';
import { addBreakdown } from './tally.ts';

type Trx = Transaction<Database>;
type Dimension = 'category' | 'product' | 'payment';

/** product.created / updated: the newest version's seller, category and name; deletion marks it. */
export async function keepProduct(
  trx: Trx,
  p: { productId: string; sellerId: string; categoryId: string; name: string; version: number },
) {
  await sql`
    insert into catalog_products as c (product_id, seller_id, category_id, name, version)
    values (${p.productId}, ${p.sellerId}, ${p.categoryId}, ${p.name}, ${p.version})
    on conflict (product_id) do update set seller_id = excluded.seller_id, category_id = excluded.category_id,
      name = excluded.name, version = excluded.version
    where c.version < excluded.version`.execute(trx);
}

export async function forgetProduct(trx: Trx, p: EventData<'product.deleted'>) {
  await sql`
    insert into catalog_products as c (product_id, seller_id, category_id, name, deleted, version)
    values (${p.productId}, ${p.sellerId}, '', '', true, ${p.version})
    on conflict (product_id) do update set deleted = true, version = excluded.version
    where c.version < excluded.version`.execute(trx);
}

const add = (
  trx: Trx,
  day: string,
  dimension: Dimension,
  key: string,
  sellerId: string,
  n: { orders: number; quantity: number; amount: number },
) => addBreakdown(trx, { at: day, dimension, key, seller_id: sellerId, ...n });

/**
 * An order placed: each line counts for its product and category (the line's own category, else
 * the catalog's, else '') for its seller and for the platform; the order counts once for its
 * payment method with what the buyer pays.
 */
export async function countBreakdowns(trx: Trx, o: EventData<'order.created'>) {
  // The catalog's category, for the lines that do not carry their own (none asked when all do).
  const ids = [...new Set(o.items.filter((i) => i.categoryId === undefined).map((i) => i.productId))];
  const known = new Map(
    ids.length
      ? (
          await trx
            .selectFrom('catalog_products')
            .select(['product_id', 'category_id'])
            .where('product_id', 'in', ids)
            .execute()
        ).map((r) => [r.product_id, r.category_id])
      : [],
  );
  const lines = new Map<string, { orders: number; quantity: number; amount: number }>();
  for (const i of o.items) {
    const category = i.categoryId ?? known.get(i.productId) ?? '';
    for (const seller of [i.sellerId, PLATFORM])
      for (const [dimension, key] of [
        ['product', i.productId],
        ['category', category],
      ] as const) {
        const k = JSON.stringify([dimension, key, seller]);
        const n = lines.get(k) ?? { orders: 0, quantity: 0, amount: 0 };
        lines.set(k, {
          orders: 1,
          quantity: n.quantity + i.quantity,
          amount: n.amount + i.price * i.quantity,
        });
      }
  }
  for (const [k, n] of lines) {
    const [dimension, key, seller] = JSON.parse(k) as [Dimension, string, string];
    await add(trx, o.createdAt, dimension, key, seller, n);
  }
  await add(trx, o.createdAt, 'payment', o.paymentMethod, PLATFORM, {
    orders: 1,
    quantity: o.items.reduce((n, i) => n + i.quantity, 0),
    amount: o.payableAmount,
  });
}

/** Account changes per day: withdrawals (user.deleted), suspensions and reinstatements, grade changes (user.updated). */
export async function countMember(trx: Trx, at: string, kinds: string[]) {
  for (const kind of kinds)
    await sql`
      insert into members_daily (day, kind, count) values ((${at}::timestamptz at time zone 'Asia/Seoul')::date, ${kind}, 1)
      on conflict (day, kind) do update set count = members_daily.count + 1`.execute(trx);
}

export function memberKinds(u: EventData<'user.updated'>): string[] {
  const kinds: string[] = [];
  if (u.changes.includes('status') && u.status === 'SUSPENDED') kinds.push('suspended');
  if (u.changes.includes('status') && u.status === 'ACTIVE') kinds.push('reinstated');
  if (u.changes.includes('grade')) kinds.push('gradeChanged');
  return kinds;
}
