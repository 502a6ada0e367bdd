/**
 * A read model of orders kept from their events, as settlement (정산 data) and stats (sales
 * counters) keep one: a row per order in the service's own `orders` table, keyed by `order_id`.
 * Any of an order's events may arrive first or twice (the kit has made each delivery once-only,
 * not ordered), so every step takes the order's lock (two events of one order never interleave),
 * makes sure the order's row exists (an empty stub when this event is the first), and sets a fact
 * only the first time, telling the caller whether this event was the one that set it.
 */
import type { Kysely, Transaction, UpdateObject } from 'kysely';
import { lockKey } from './db.ts';

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
   * set already; true when this call set them, false when an earlier event had.
   */
  record<F extends UpdateObject<DB, 'orders'>>(
    trx: Transaction<DB>,
    orderId: string,
    facts: F,
    first: keyof F & string,
  ): Promise<boolean>;
}

/** The read model of orders in `service`'s database; its lock keys are `<service>-order:<id>`. */
export function orderReadModel<DB extends OrderTables>(service: string): OrderReadModel<DB> {
  // The table's other columns are the service's; the model touches only order_id and the facts given.
  // biome-ignore lint/suspicious/noExplicitAny: the orders table's columns differ per service
  const untyped = (trx: Transaction<DB>) => trx as unknown as Kysely<any>;
  const lock = (trx: Transaction<DB>, orderId: string) =>
    lockKey(untyped(trx), `${service}-order:${orderId}`);
  const open = async (trx: Transaction<DB>, orderId: string) => {
    await lock(trx, orderId);
    await untyped(trx)
      .insertInto('orders')
      .values({ order_id: orderId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  };
  return {
    lock,
    open,
    async record(trx, orderId, facts, first) {
      await open(trx, orderId);
      const set = await untyped(trx)
        .updateTable('orders')
        .set(facts)
        .where('order_id', '=', orderId)
        .where(first, 'is', null)
        .returning('order_id')
        .executeTakeFirst();
      return set !== undefined;
    },
  };
}
