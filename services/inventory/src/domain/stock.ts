import type { Built, EventPublisher, Selectable, Transaction } from '@mp/platform';
import { publishOptions, sql } from '@mp/platform';
import type { Database, MovementReason, StockItemsTable, StockLevel } from '../db/schema.ts';

export type StockRow = Selectable<StockItemsTable>;
/** A changed row with its movement's audit row. */
export type ChangedRow = StockRow & { movement_id: number; moved_at: Date };

export interface StockChange {
  sku: string;
  /** Change of units on hand (입고 +, 출고 −, a sale −). */
  onHand?: number;
  /** Change of units held for orders. */
  reserved?: number;
  /** A new 품절임박 threshold. */
  threshold?: number;
  /** Refuse the change on a SKU the seller removed (new reservations). */
  activeOnly?: boolean;
}

/**
 * Applies a stock change in one conditional UPDATE: it happens only if on hand, reserved and
 * available all stay at or above zero, and it records the level before and after, so a caller
 * knows whether it crossed the 품절임박 or 품절 line. Undefined when the change is refused or the
 * SKU is unknown. Concurrent changes of a SKU serialize on its row; the movement's audit row is
 * written by the same statement (a CTE), so the row lock costs no extra round trip.
 */
export async function changeStock(
  trx: Transaction<Database>,
  c: StockChange,
  m: Omit<Movement, 'deltaOnHand' | 'deltaReserved'>,
): Promise<ChangedRow | undefined> {
  const dOn = c.onHand ?? 0;
  const dRes = c.reserved ?? 0;
  const threshold = c.threshold === undefined ? sql<number>`threshold` : sql<number>`${c.threshold}::int`;
  const available = sql`((on_hand + ${dOn}::int) - (reserved + ${dRes}::int))`;
  const { rows } = await sql<ChangedRow>`
    with changed as (
      update stock_items set
        on_hand = on_hand + ${dOn}::int,
        reserved = reserved + ${dRes}::int,
        threshold = ${threshold},
        prev_level = level,
        level = case when ${available} <= 0 then 'OUT_OF_STOCK'
                     when ${available} < ${threshold} then 'LOW_STOCK'
                     else 'IN_STOCK' end,
        version = version + 1,
        updated_at = now()
      where sku = ${c.sku}
        and on_hand + ${dOn}::int >= 0
        and reserved + ${dRes}::int >= 0
        and on_hand + ${dOn}::int >= reserved + ${dRes}::int
        ${c.activeOnly ? sql`and active` : sql``}
      returning *
    ), moved as (
      insert into stock_movements (sku, reason, delta_on_hand, delta_reserved, on_hand, reserved, actor, order_id, note)
      select sku, ${m.reason}, ${dOn}::int, ${dRes}::int, on_hand, reserved, ${m.actor}, ${m.orderId ?? null}, ${m.note ?? null}
      from changed
      returning id as movement_id, created_at as moved_at
    )
    select changed.*, moved.movement_id, moved.moved_at from changed, moved`.execute(trx);
  return rows[0];
}

export const levelOf = (available: number, threshold: number): StockLevel =>
  available <= 0 ? 'OUT_OF_STOCK' : available < threshold ? 'LOW_STOCK' : 'IN_STOCK';

export const stockView = (r: StockRow) => ({
  sku: r.sku,
  productId: r.product_id,
  onHand: r.on_hand,
  reserved: r.reserved,
  available: r.on_hand - r.reserved,
  threshold: r.threshold,
  stockStatus: r.level,
  active: r.active,
  updatedAt: r.updated_at.toISOString(),
});

/** What the event catalog calls each movement (inventory.adjusted's `reason`). */
const eventReason = {
  INITIAL: 'INITIAL',
  INBOUND: 'INBOUND',
  OUTBOUND: 'OUTBOUND',
  CORRECTION: 'CORRECTION',
  RESERVE: 'RESERVE',
  RELEASE: 'RELEASE',
  EXPIRE: 'RELEASE',
  SALE: 'SALE',
  RETURN: 'RELEASE',
  WRITE_OFF: 'CORRECTION',
  THRESHOLD: 'CORRECTION',
} as const;

export interface Movement {
  reason: MovementReason;
  actor: string;
  orderId?: string | null;
  note?: string | null;
  deltaOnHand: number;
  deltaReserved: number;
}

/** A new SKU's stock (no change statement): the audit row, then its events. */
export async function recordChange(
  trx: Transaction<Database>,
  events: EventPublisher,
  row: StockRow,
  m: Movement,
): Promise<void> {
  const created = await trx
    .insertInto('stock_movements')
    .values({
      sku: row.sku,
      reason: m.reason,
      delta_on_hand: m.deltaOnHand,
      delta_reserved: m.deltaReserved,
      on_hand: row.on_hand,
      reserved: row.reserved,
      actor: m.actor,
      order_id: m.orderId ?? null,
      note: m.note ?? null,
    })
    .returning('created_at')
    .executeTakeFirstOrThrow();
  await publishChange(trx, events, row, m, created.created_at);
}

/**
 * After a change: `inventory.adjusted` with the new figures, and, when the change crossed a line
 * downwards, `inventory.low_stock` or `inventory.out_of_stock` (once per crossing: a change that
 * stays on the same side says nothing).
 */
export async function publishChange(
  trx: Transaction<Database>,
  events: EventPublisher,
  row: StockRow,
  m: Movement,
  movedAt: Date,
): Promise<void> {
  await events.write(trx, changeEvents(events, row, m, movedAt));
}

/** `publishChange`'s events, built and not written (the caller writes them with its others). */
export function changeEvents(events: EventPublisher, row: StockRow, m: Movement, movedAt: Date): Built[] {
  const at = movedAt.toISOString();
  const available = row.on_hand - row.reserved;
  const opts = publishOptions('sku', row.sku);
  const built: Built[] = [];
  if (m.reason !== 'THRESHOLD' || row.level !== row.prev_level) {
    built.push(
      events.build(
        'inventory.adjusted',
        {
          productId: row.product_id,
          sku: row.sku,
          // The change in units a buyer can order.
          delta: m.deltaOnHand - m.deltaReserved,
          reason: eventReason[m.reason],
          onHand: row.on_hand,
          reserved: row.reserved,
          available,
          adjustedBy: m.actor,
          adjustedAt: at,
          version: row.version,
          threshold: row.threshold,
          stockStatus: row.level,
          sellerId: row.seller_id,
          ...(m.orderId ? { orderId: m.orderId } : {}),
        },
        opts,
      ),
    );
  }
  if (row.level === row.prev_level) return built;
  if (row.level === 'LOW_STOCK' && row.prev_level === 'IN_STOCK') {
    built.push(
      events.build(
        'inventory.low_stock',
        {
          productId: row.product_id,
          currentStock: available,
          threshold: row.threshold,
          sku: row.sku,
          sellerId: row.seller_id,
          version: row.version,
        },
        opts,
      ),
    );
  } else if (row.level === 'OUT_OF_STOCK') {
    built.push(
      events.build(
        'inventory.out_of_stock',
        { productId: row.product_id, sku: row.sku, sellerId: row.seller_id, at, version: row.version },
        opts,
      ),
    );
  }
  return built;
}

/**
 * changeStock and its events (`changeEvents`), built and not written: a caller changing several
 * rows writes all their events at once after the last change, one statement while the rows are locked.
 */
export async function changeWithEvents(
  trx: Transaction<Database>,
  events: EventPublisher,
  c: StockChange,
  m: Omit<Movement, 'deltaOnHand' | 'deltaReserved'>,
): Promise<{ row: ChangedRow; built: Built[] } | undefined> {
  const row = await changeStock(trx, c, m);
  if (!row) return undefined;
  const movement = { ...m, deltaOnHand: c.onHand ?? 0, deltaReserved: c.reserved ?? 0 };
  return { row, built: changeEvents(events, row, movement, row.moved_at) };
}

/** changeStock + publishChange, for a change that must happen (the row exists and stays valid). */
export async function applyChange(
  trx: Transaction<Database>,
  events: EventPublisher,
  c: StockChange,
  m: Omit<Movement, 'deltaOnHand' | 'deltaReserved'>,
): Promise<ChangedRow | undefined> {
  const changed = await changeWithEvents(trx, events, c, m);
  if (changed) await events.write(trx, changed.built);
  return changed?.row;
}
