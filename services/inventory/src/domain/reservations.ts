import {
  type Built,
  conflict,
  type EventPublisher,
  type Kysely,
  notFound,
  publishOptions,
  sql,
  type Transaction,
} from '@mp/platform';
import type { Database, MovementReason, ReservationStatus } from '../db/schema.ts';
import { changeWithEvents } from './stock.ts';

export interface ReservationRequest {
  orderId: string;
  items: { sku: string; quantity: number }[];
  ttlSeconds: number;
}

export interface ReservationView {
  orderId: string;
  status: ReservationStatus;
  expiresAt: string;
  items: { sku: string; quantity: number }[];
}

type Db = Kysely<Database> | Transaction<Database>;

export async function findReservation(db: Db, orderId: string): Promise<ReservationView | undefined> {
  const r = await db
    .selectFrom('reservations')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!r) return undefined;
  const items = await db
    .selectFrom('reservation_items')
    .select(['sku', 'quantity'])
    .where('order_id', '=', orderId)
    .orderBy('sku')
    .execute();
  return { orderId, status: r.status, expiresAt: r.expires_at.toISOString(), items };
}

/** Same SKU twice in one order: one line with the quantities added. */
function mergeLines(items: ReservationRequest['items']) {
  const bySku = new Map<string, { sku: string; quantity: number; indexes: number[] }>();
  items.forEach((it, i) => {
    const line = bySku.get(it.sku) ?? { sku: it.sku, quantity: 0, indexes: [] };
    line.quantity += it.quantity;
    line.indexes.push(i);
    bySku.set(it.sku, line);
  });
  // A fixed order of row locks: two orders reserving the same SKUs never deadlock.
  return [...bySku.values()].sort((a, b) => (a.sku < b.sku ? -1 : 1));
}

const sameLines = (a: { sku: string; quantity: number }[], b: { sku: string; quantity: number }[]) =>
  a.length === b.length && a.every((x, i) => x.sku === b[i]!.sku && x.quantity === b[i]!.quantity);

/**
 * Reserves every line of an order or none (`POST /internal/reservations`). Each line is one conditional UPDATE, so
 * concurrent orders can never take more than is available; any refused line rolls the whole
 * reservation back. A repeat for the same order answers the first reservation.
 */
export async function reserve(
  db: Kysely<Database>,
  events: EventPublisher,
  req: ReservationRequest,
): Promise<{ created: boolean; reservation: ReservationView }> {
  const lines = mergeLines(req.items);
  return db.transaction().execute(async (trx) => {
    const expiresAt = new Date(Date.now() + req.ttlSeconds * 1000);
    // The reservation and its lines in one statement (the lines only if the reservation is new),
    // before the SKUs' rows: those (hot in a flash sale) are locked only from their update to the commit.
    const { rows: inserted } = await sql<{ order_id: string }>`
      with r as (
        insert into reservations (order_id, status, expires_at) values (${req.orderId}, 'RESERVED', ${expiresAt})
        on conflict do nothing returning order_id),
      lines as (
        insert into reservation_items (order_id, sku, quantity)
        select r.order_id, l.sku, l.quantity from r,
          unnest(${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[]) as l(sku, quantity))
      select order_id from r`.execute(trx);
    if (!inserted.length) {
      const existing = (await findReservation(trx, req.orderId))!;
      // Released before it arrived: order gave up on a slow answer and released, then the request
      // (retried by Dapr, or just late) came in. Reserving now would hold stock nobody will pay for.
      if (existing.status === 'RELEASED' && existing.items.length === 0)
        throw conflict('RESERVATION_RELEASED', 'This order gave up its reservation; place it again');
      if (!sameLines(existing.items, lines)) {
        throw conflict('RESERVATION_MISMATCH', 'This order already holds a reservation of other items');
      }
      return { created: false, reservation: existing };
    }

    const missing: { path: string; message: string; sku: string }[] = [];
    const short: { path: string; message: string; sku: string; available: number }[] = [];
    // Every line's events, written in one statement after the last SKU's update.
    const told: Built[] = [];
    for (const line of lines) {
      const changed = await changeWithEvents(
        trx,
        events,
        { sku: line.sku, reserved: line.quantity, activeOnly: true },
        { reason: 'RESERVE', actor: `order:${req.orderId}`, orderId: req.orderId },
      );
      if (changed) {
        told.push(
          ...changed.built,
          events.build(
            'inventory.reserved',
            {
              productId: changed.row.product_id,
              orderId: req.orderId,
              quantity: line.quantity,
              reservationId: req.orderId,
              sku: line.sku,
              expiresAt: expiresAt.toISOString(),
            },
            publishOptions('sku', line.sku),
          ),
        );
        continue;
      }
      const item = await trx
        .selectFrom('stock_items')
        .select(['on_hand', 'reserved', 'active'])
        .where('sku', '=', line.sku)
        .executeTakeFirst();
      for (const i of line.indexes) {
        if (!item?.active) {
          missing.push({ path: `items.${i}.sku`, message: 'no such SKU on sale', sku: line.sku });
        } else {
          const available = item.on_hand - item.reserved;
          short.push({
            path: `items.${i}.quantity`,
            message: `only ${available} available`,
            sku: line.sku,
            available,
          });
        }
      }
    }
    if (missing.length) {
      throw notFound('SKU_NOT_FOUND', 'Some SKUs are not on sale', { errors: missing });
    }
    if (short.length) throw conflict('OUT_OF_STOCK', 'Not enough stock for this order', { errors: short });
    await events.write(trx, told);
    return {
      created: true,
      reservation: {
        orderId: req.orderId,
        status: 'RESERVED',
        expiresAt: expiresAt.toISOString(),
        items: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      },
    };
  });
}

/**
 * Moves a reservation from one status to another and its stock with it, under the reservation's
 * row lock (a release, an expiry and a payment of the same order cannot both happen).
 * Undefined when the reservation is not in one of the `from` statuses.
 */
export async function transition(
  trx: Transaction<Database>,
  events: EventPublisher,
  orderId: string,
  from: ReservationStatus[],
  to: ReservationStatus,
  change: (q: number) => { onHand?: number; reserved?: number },
  reason: MovementReason,
  actor: string,
) {
  // One statement: the reservation's status and its lines (none when it was not in `from`).
  const { rows } = await sql<{ order_id: string; sku: string | null; quantity: number | null }>`
    with moved as (
      update reservations set status = ${to}, updated_at = now()
      where order_id = ${orderId} and status in (${sql.join(from)})
      returning order_id)
    select m.order_id, i.sku, i.quantity from moved m left join reservation_items i on i.order_id = m.order_id
    order by i.sku`.execute(trx);
  if (!rows.length) return undefined;
  const items = rows.flatMap((r) =>
    r.sku === null || r.quantity === null ? [] : [{ order_id: r.order_id, sku: r.sku, quantity: r.quantity }],
  );
  // Every line's events, written in one statement after the last SKU's change.
  const told: Built[] = [];
  for (const it of items) {
    const changed = await changeWithEvents(
      trx,
      events,
      { sku: it.sku, ...change(it.quantity) },
      { reason, actor, orderId },
    );
    // The reservation's units are counted in the row, so this cannot be refused; if it is, the data is broken.
    if (!changed) throw new Error(`stock of ${it.sku} does not hold the reservation of order ${orderId}`);
    told.push(...changed.built);
  }
  await events.write(trx, told);
  return items;
}

/**
 * Releases an order's held stock (`POST /internal/reservations/{orderId}/release`); nothing to release is fine, and is remembered: a release that
 * finds no reservation leaves a RELEASED one without lines, so a reservation request for that order
 * arriving after it (a placement that gave up on a slow answer) is refused instead of holding the
 * stock until it expires.
 */
export async function release(db: Kysely<Database>, events: EventPublisher, orderId: string, actor: string) {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('reservations')
      .values({ order_id: orderId, status: 'RELEASED', expires_at: new Date() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await transition(
      trx,
      events,
      orderId,
      ['RESERVED'],
      'RELEASED',
      (q) => ({ reserved: -q }),
      'RELEASE',
      actor,
    );
    const r = await trx
      .selectFrom('reservations')
      .select('status')
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (r?.status === 'SOLD')
      throw conflict('RESERVATION_SOLD', 'This order is paid; cancel the order instead');
    return { orderId, status: 'RELEASED' as const };
  });
}

/** Expires reservations past their time, one order per transaction; returns how many. */
export async function expireDue(db: Kysely<Database>, events: EventPublisher, batch = 100): Promise<number> {
  let done = 0;
  for (; done < batch; done++) {
    const expired = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('reservations')
        .select('order_id')
        .where('status', '=', 'RESERVED')
        .where('expires_at', '<', new Date())
        .orderBy('expires_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!due) return false;
      await transition(
        trx,
        events,
        due.order_id,
        ['RESERVED'],
        'EXPIRED',
        (q) => ({ reserved: -q }),
        'EXPIRE',
        'system:expiry',
      );
      return true;
    });
    if (!expired) break;
  }
  return done;
}
