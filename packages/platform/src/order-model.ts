/**
 * A read model of orders kept from their events, as settlement (정산 data) and stats (sales
 * counters) keep one: a row per order in the service's own `orders` table, keyed by `order_id`.
 * Any of an order's events may arrive first or twice (the kit has made each delivery once-only,
 * not ordered), so every step takes the order's lock (two events of one order never interleave),
 * makes sure the order's row exists (an empty stub when this event is the first), and sets a fact
 * only the first time, telling the caller whether this event was the one that set it.
 *
 * The order's lock is its row's, taken by one `insert … on conflict (order_id) do update … where …`:
 * PostgreSQL locks the conflicting row whether or not the `where` lets the update happen, and a
 * concurrent first insert of the same order waits on the key and then takes the same path. So a
 * step is one statement (it was an advisory lock, an insert of the stub and an update), and it
 * returns the row it set.
 */
import { type Kysely, type Selectable, sql, type Transaction, type UpdateObject } from 'kysely';

/** A database with a read model of orders: `orders`, keyed by `order_id`. */
export interface OrderTables {
  orders: { order_id: string };
}

export interface OrderReadModel<DB extends OrderTables> {
  /** Takes the order's lock until the transaction ends. */
  lock(trx: Transaction<DB>, orderId: string): Promise<void>;
  /** Locks the order and makes sure its row exists (an empty stub until its facts arrive). */
  open(trx: Transaction<DB>, orderId: string): Promise<void>;
  /**
   * Locks the order, makes sure its row exists and sets `facts` unless `first` (one of them) is
   * set already; the order's row when this call set them (all its columns, as they are now),
   * undefined when an earlier event had.
   */
  record<F extends UpdateObject<DB, 'orders'>>(
    trx: Transaction<DB>,
    orderId: string,
    facts: F,
    first: keyof F & string,
  ): Promise<Selectable<DB['orders']> | undefined>;
}

/** The read model of orders in a service's database (its `orders` table). */
export function orderReadModel<DB extends OrderTables>(): OrderReadModel<DB> {
  // The table's other columns are the service's; the model touches only order_id and the facts given.
  // biome-ignore lint/suspicious/noExplicitAny: the orders table's columns differ per service
  const untyped = (trx: Transaction<DB>) => trx as unknown as Kysely<any>;
  const lock = async (trx: Transaction<DB>, orderId: string) => {
    await untyped(trx)
      .insertInto('orders')
      .values({ order_id: orderId })
      .onConflict((oc) => oc.column('order_id').doUpdateSet({ order_id: orderId }).where(sql<boolean>`false`))
      .execute();
  };
  return {
    lock,
    open: lock,
    async record(trx, orderId, facts, first) {
      const columns = Object.keys(facts);
      const row = await untyped(trx)
        .insertInto('orders')
        .values({ ...facts, order_id: orderId })
        .onConflict((oc) =>
          oc
            .column('order_id')
            .doUpdateSet((eb) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)])))
            .where(`orders.${first}`, 'is', null),
        )
        .returningAll()
        .executeTakeFirst();
      return row as Selectable<DB['orders']> | undefined;
    },
  };
}
