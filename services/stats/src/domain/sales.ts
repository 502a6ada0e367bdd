/**
 * 판매 통계: counters per Korean day and seller, moved only by `insert … on conflict do update
 * set x = x + n` (atomic, so concurrent events never lose a count; one statement at the end of
 * each event's handler, tally.ts). The kit runs each event's
 * handler once; an order's events take the order's lock, so a fact that arrives before the order
 * (a payment, a cancellation) is counted exactly once, when both are known.
 */
import type { EventData } from '@mp/contracts';
import { jsonb, orderReadModel, type Selectable, sql, type Transaction } from '@mp/platform';
import type { Database, OrdersTable } from '../db/schema.ts';
import { addDaily } from './tally.ts';

type Trx = Transaction<Database>;
/** The platform's row: what buyers paid, discounts and shipping included. */
export const PLATFORM = '';

/** Adds to a day's counters (written at the end of the event's handler: see tally.ts). */
const bump = addDaily;

/** The kit's read model of orders: each step locks the order, and its facts are set once. */
const orders = orderReadModel<Database>();

/** The order's row, locked already (an event whose fact an earlier one had set). */
async function facts(trx: Trx, orderId: string) {
  return trx.selectFrom('orders').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
}

export async function countOrder(trx: Trx, o: EventData<'order.created'>): Promise<void> {
  const gross = new Map<string, number>();
  for (const i of o.items) gross.set(i.sellerId, (gross.get(i.sellerId) ?? 0) + i.price * i.quantity);
  const sellers = [...gross].map(([sellerId, g]) => ({ sellerId, gross: g }));
  const created = { created_at: new Date(o.createdAt), sellers: jsonb(sellers) };
  const row = await orders.record(trx, o.orderId, created, 'sellers');
  if (!row) return;
  await bump(trx, o.createdAt, PLATFORM, { orders: 1, ordered_amount: o.payableAmount });
  for (const s of sellers) await bump(trx, o.createdAt, s.sellerId, { orders: 1, ordered_amount: s.gross });
  await countPending(trx, row);
}

export async function countPayment(trx: Trx, p: EventData<'payment.completed'>): Promise<void> {
  const paid = { paid_at: new Date(p.paidAt), paid_amount: p.amount };
  await countPending(
    trx,
    (await orders.record(trx, p.orderId, paid, 'paid_at')) ?? (await facts(trx, p.orderId)),
  );
}

export async function countCancellation(trx: Trx, c: EventData<'order.cancelled'>): Promise<void> {
  const cancelled = { cancelled_at: new Date(c.cancelledAt) };
  await countPending(
    trx,
    (await orders.record(trx, c.orderId, cancelled, 'cancelled_at')) ?? (await facts(trx, c.orderId)),
  );
}

/** Payments and cancellations need the order's split per seller: counted once both are known. */
async function countPending(trx: Trx, f: Selectable<OrdersTable>) {
  const sellers = f.sellers;
  if (!sellers) return;
  if (f.paid_at && !f.paid_counted) {
    const at = f.paid_at;
    await bump(trx, at, PLATFORM, { paid_orders: 1, paid_amount: f.paid_amount ?? 0 });
    for (const s of sellers) await bump(trx, at, s.sellerId, { paid_orders: 1, paid_amount: s.gross });
    await trx.updateTable('orders').set({ paid_counted: true }).where('order_id', '=', f.order_id).execute();
  }
  if (f.cancelled_at && !f.cancelled_counted) {
    const at = f.cancelled_at;
    await bump(trx, at, PLATFORM, { cancelled_orders: 1 });
    for (const s of sellers) await bump(trx, at, s.sellerId, { cancelled_orders: 1 });
    await trx
      .updateTable('orders')
      .set({ cancelled_counted: true })
      .where('order_id', '=', f.order_id)
      .execute();
  }
}

/** 구매확정 carries its items: counted at once, per seller at 판매가. */
export async function countCompletion(trx: Trx, c: EventData<'order.completed'>): Promise<void> {
  if (!(await orders.record(trx, c.orderId, { completed_at: new Date(c.completedAt) }, 'completed_at')))
    return;
  await bump(trx, c.completedAt, PLATFORM, { completed_orders: 1, completed_amount: c.payableAmount });
  const gross = new Map<string, number>();
  for (const i of c.items) gross.set(i.sellerId, (gross.get(i.sellerId) ?? 0) + i.price * i.quantity);
  for (const [sellerId, g] of gross)
    await bump(trx, c.completedAt, sellerId, { completed_orders: 1, completed_amount: g });
}

/** A refund: the platform counts what the buyer got back, each seller the amounts of its items. */
export async function countRefund(trx: Trx, r: EventData<'order.refund.completed'>): Promise<void> {
  const first = await trx
    .insertInto('counted_refunds')
    .values({ refund_id: r.refundId })
    .onConflict((oc) => oc.doNothing())
    .returning('refund_id')
    .executeTakeFirst();
  if (!first) return;
  await bump(trx, r.completedAt, PLATFORM, { refunds: 1, refunded_amount: r.amount });
  const amounts = new Map<string, number>();
  for (const i of r.items) amounts.set(i.sellerId, (amounts.get(i.sellerId) ?? 0) + i.amount);
  for (const [sellerId, a] of amounts)
    await bump(trx, r.completedAt, sellerId, { refunds: 1, refunded_amount: a });
}
