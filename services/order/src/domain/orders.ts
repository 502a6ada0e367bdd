import type { EventData } from '@mp/contracts';
import { notFound, type Principal, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database, OrderStatus, ShipmentState } from '../db/schema.ts';
import type { Db, Order, OrderContext, OrderItem } from './context.ts';
import { canMove } from './status.ts';

export const lockOrder = (trx: Transaction<Database>, id: string) =>
  trx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const itemsOf = (db: Db, orderId: string) =>
  db.selectFrom('order_items').selectAll().where('order_id', '=', orderId).orderBy('id').execute();

/** The order as its buyer (or an admin) may act on it; anyone else's is not found. */
export async function lockOwnOrder(trx: Transaction<Database>, by: Principal, id: string): Promise<Order> {
  const o = await lockOrder(trx, id);
  if (!o || (by.role !== 'admin' && o.user_id !== by.userId))
    throw notFound('ORDER_NOT_FOUND', 'No such order');
  return o;
}

export interface HistoryEntry {
  type: string;
  sourceEventId?: string | undefined;
  data?: unknown;
}

/**
 * Moves the order to `to` if the status machine allows it, appending the transition to its
 * history (OrderEvents), in one statement (the history row is written only if the update moved
 * the order). Returns undefined, changing nothing, when the move is not allowed.
 */
export async function transition(
  trx: Transaction<Database>,
  o: Order,
  to: OrderStatus,
  entry: HistoryEntry,
  set: Partial<Omit<Order, 'id' | 'status'>> = {},
  first?: FirstWrite,
): Promise<Order | undefined> {
  if (!canMove(o.status, to)) return undefined;
  return moving(trx, o, to, entry, set, first).selectFrom('moved').selectAll().executeTakeFirst() as Promise<
    Order | undefined
  >;
}

/**
 * `transition`, and the order's shipments' states as they are now, read by the same statement
 * (for a caller that follows them next). Safe only under the order's row lock (`lockOrder` in an
 * earlier statement): shipments are recorded under that lock, so this statement's snapshot, taken
 * after the lock was granted, holds every one of them.
 */
export async function transitionSeeingShipments(
  trx: Transaction<Database>,
  o: Order,
  to: OrderStatus,
  entry: HistoryEntry,
  set: Partial<Omit<Order, 'id' | 'status'>> = {},
): Promise<{ order: Order; shipments: ShipmentState[] } | undefined> {
  if (!canMove(o.status, to)) return undefined;
  const row = await moving(trx, o, to, entry, set)
    .selectFrom('moved')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('order_shipments')
        .select(sql<ShipmentState[]>`coalesce(array_agg(status), '{}')::text[]`.as('states'))
        .whereRef('order_shipments.order_id', '=', 'moved.id')
        .as('shipment_states'),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  const { shipment_states, ...order } = row as Order & { shipment_states: ShipmentState[] };
  return { order: order as Order, shipments: shipment_states };
}

/**
 * A write sent with a transition's statement instead of in one of its own (`transition`'s `first`):
 * an insert or update that does not depend on the move, run whether or not the order moves.
 */
export type FirstWrite = (db: Transaction<Database>) => { execute(): Promise<unknown> };

/** The update of the order and the insert of its history row, as the CTEs `moved` and `history`. */
function moving(
  trx: Transaction<Database>,
  o: Order,
  to: OrderStatus,
  entry: HistoryEntry,
  set: Partial<Omit<Order, 'id' | 'status'>>,
  first?: FirstWrite,
) {
  // A write that goes with the move (a data-modifying CTE runs whether or not the order moves).
  return (first ? (trx.with('first_write', first as never) as unknown as Transaction<Database>) : trx)
    .with('moved', (db) =>
      db
        .updateTable('orders')
        .set({ ...set, status: to, updated_at: new Date() } as never)
        .where('id', '=', o.id)
        .where('status', '=', o.status)
        .returningAll(),
    )
    .with('history', (db) =>
      db
        .insertInto('order_events')
        .columns(['order_id', 'type', 'from_status', 'to_status', 'source_event_id', 'data'])
        .expression((eb) =>
          eb
            .selectFrom('moved')
            .select([
              'moved.id',
              sql<string>`${entry.type}::text`.as('type'),
              sql<string>`${o.status}::text`.as('from_status'),
              sql<string>`${to}::text`.as('to_status'),
              sql<string | null>`${entry.sourceEventId ?? null}::text`.as('source_event_id'),
              sql<string | null>`${historyData(entry)}::jsonb`.as('data'),
            ]),
        ),
    );
}

const historyData = (entry: HistoryEntry) => (entry.data === undefined ? null : JSON.stringify(entry.data));

/** Appends to the order's history without a status change (a note: a return booked, a refund…). */
export const note = (trx: Transaction<Database>, orderId: string, entry: HistoryEntry) =>
  record(trx, orderId, entry, null, null);

async function record(
  trx: Transaction<Database>,
  orderId: string,
  entry: HistoryEntry,
  from: OrderStatus | null,
  to: OrderStatus | null,
) {
  await trx
    .insertInto('order_events')
    .values({
      order_id: orderId,
      type: entry.type,
      from_status: from,
      to_status: to,
      source_event_id: entry.sourceEventId ?? null,
      data: historyData(entry),
    })
    .execute();
}

/** The order's lines for events (orderLine of the catalog). */
export const linesOf = (items: OrderItem[], quantityOf: (i: OrderItem) => number = (i) => i.quantity) =>
  items
    .filter((i) => quantityOf(i) > 0)
    .map((i) => ({
      itemId: i.id,
      productId: i.product_id,
      sku: i.sku,
      sellerId: i.seller_id,
      quantity: quantityOf(i),
      price: i.unit_price,
      discountAmount: i.discount_amount,
    }));

/** order.cancelled for an order (cancellation): payment refunds or cancels, stock and coupon come back. */
export async function announceCancelled(
  ctx: OrderContext,
  trx: Transaction<Database>,
  before: Order,
  reason: string,
  refundReceiveAccount?: EventData<'order.cancelled'>['refundReceiveAccount'],
) {
  const items = await itemsOf(trx, before.id);
  await ctx.events.publish(
    trx,
    'order.cancelled',
    {
      orderId: before.id,
      userId: before.user_id,
      reason,
      cancelledAt: new Date().toISOString(),
      previousStatus: before.status,
      ...(before.coupon_id ? { couponId: before.coupon_id } : {}),
      ...(before.user_coupon_id ? { userCouponId: before.user_coupon_id } : {}),
      items: linesOf(items).map((l) => ({ ...l, name: items.find((x) => x.id === l.itemId)!.name })),
      ...(refundReceiveAccount ? { refundReceiveAccount } : {}),
    },
    publishOptions('order', before),
  );
}
