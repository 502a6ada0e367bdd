import { ApiError, conflict, newId, validationFailed } from '@mp/platform';
import type { Address } from '../db/schema.ts';
import { commitOrder } from './commit.ts';
import type { Db, Order, OrderContext } from './context.ts';
import { priceOrder } from './pricing.ts';
import { quote, release, reserve } from './upstream.ts';
import type { OrderRows } from './view.ts';

export interface PlaceOrder {
  items: { productId: string; sku: string; quantity: number }[];
  shippingAddress: Address;
  couponId?: string | undefined;
  paymentMethod: 'card' | 'transfer' | 'virtual_account';
  /** The amount the buyer saw (the cart's); a different one after re-pricing is refused. */
  expectedPayableAmount?: number | undefined;
}

/** The order a buyer placed under an Idempotency-Key, if any. */
export const findPlaced = (db: Db, userId: string, key: string) =>
  db
    .selectFrom('orders')
    .selectAll()
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();

/** A placement under this key that died before its commit; it may hold a reservation. */
const earlierAttempt = (db: Db, userId: string, key: string) =>
  db
    .selectFrom('checkout_attempts')
    .select('order_id')
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();

/**
 * Sold out at the door, before order's admission queue: a suspect SKU is read and refused at once
 * (placeOrder asks again when the request's turn comes). Skipped for a retry of a placement that
 * may already hold its units.
 */
export async function atTheDoor(
  ctx: OrderContext,
  userId: string,
  items: PlaceOrder['items'],
  idempotencyKey?: string,
): Promise<void> {
  const lines = mergeLines(items);
  if (!lines.some((l) => ctx.door.isSuspect(l.sku))) return;
  if (idempotencyKey && (await earlierAttempt(ctx.db, userId, idempotencyKey))) return;
  await ctx.door.admit(lines);
}

/** The same SKU twice is one line with the quantities added. */
export function mergeLines(items: PlaceOrder['items']): PlaceOrder['items'] {
  const bySku = new Map<string, PlaceOrder['items'][number]>();
  items.forEach((item, i) => {
    const seen = bySku.get(item.sku);
    if (seen && seen.productId !== item.productId)
      throw validationFailed([
        { path: `items.${i}.productId`, message: `SKU ${item.sku} belongs to one product only` },
      ]);
    bySku.set(item.sku, { ...item, quantity: (seen?.quantity ?? 0) + item.quantity });
  });
  return [...bySku.values()];
}

/**
 * Places an order: quote the products (product), reserve every SKU (inventory),
 * validate the coupon (coupon) — synchronous Dapr invocations — then commit the order, its items
 * and order.created in one transaction. A checkout attempt is committed before the reservation
 * and deleted with the order's commit, so a placement that dies in between leaves a trace the
 * sweeper uses to release the stock; any failure here releases it at once. With an
 * Idempotency-Key the order is unique per (buyer, key): a retry after a crash finds it.
 * `rows` are the rows this call committed (none when it found the order placed before).
 */
export async function placeOrder(
  ctx: OrderContext,
  userId: string,
  input: PlaceOrder,
  idempotencyKey?: string,
): Promise<{ order: Order; created: boolean; rows?: OrderRows }> {
  const { db, dapr, rules } = ctx;
  const done = idempotencyKey && (await findPlaced(db, userId, idempotencyKey));
  if (done) return { order: done, created: false };
  const lines = mergeLines(input.items);
  const earlier = idempotencyKey ? await earlierAttempt(db, userId, idempotencyKey) : undefined;
  // A SKU just seen sold out: one read of its availability instead of the whole placement. Not for
  // a retry of an attempt that may already hold its units (a reservation is idempotent per order).
  if (!earlier) await ctx.door.admit(lines);
  const orderId = earlier?.order_id ?? newId();
  await db
    .insertInto('checkout_attempts')
    .values({ order_id: orderId, user_id: userId, idempotency_key: idempotencyKey ?? null })
    .onConflict((oc) => oc.doNothing())
    .execute();

  let mayHaveReserved = false;
  try {
    const quoted = await quote(dapr, lines);
    const window =
      input.paymentMethod === 'virtual_account'
        ? rules.virtualAccountWindowSeconds
        : rules.paymentWindowSeconds;
    mayHaveReserved = true;
    const items = lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    await reserve(dapr, orderId, items, window + rules.reservationMarginSeconds).catch((err) => {
      // A refusal (out of stock, unknown SKU) reserved nothing; a lost answer may have reserved.
      if (err instanceof ApiError && err.status < 500) mayHaveReserved = false;
      if (err instanceof ApiError && err.code === 'OUT_OF_STOCK') soldOut(ctx, err);
      throw err;
    });
    const priced = await priceOrder(dapr, rules, {
      userId,
      quoted,
      quantities: lines.map((l) => l.quantity),
      couponId: input.couponId,
      expectedPayableAmount: input.expectedPayableAmount,
    });
    const { order, rows } = await db.transaction().execute((trx) =>
      commitOrder(
        ctx,
        trx,
        {
          orderId,
          userId,
          shippingAddress: input.shippingAddress,
          paymentMethod: input.paymentMethod,
          idempotencyKey,
          window,
        },
        priced,
      ),
    );
    return { order, created: true, rows };
  } catch (err) {
    await giveUp(ctx, orderId, mayHaveReserved);
    const constraint = (err as { constraint?: string }).constraint;
    if (constraint === 'orders_coupon_once')
      throw conflict('COUPON_ALREADY_USED', 'This coupon is on another order');
    throw err;
  }
}

/** Inventory's OUT_OF_STOCK names each short SKU and what is left: none left makes it suspect at the door. */
function soldOut(ctx: OrderContext, err: ApiError) {
  const errors = (err.extras as { errors?: { sku?: unknown; available?: unknown }[] } | undefined)?.errors;
  for (const e of errors ?? [])
    if (typeof e.sku === 'string' && typeof e.available === 'number') ctx.door.refused(e.sku, e.available);
}

/** Releases what a failed placement may have reserved and forgets the attempt; if the release fails, the sweeper retries. */
async function giveUp(ctx: OrderContext, orderId: string, mayHaveReserved: boolean) {
  try {
    if (mayHaveReserved) await release(ctx.dapr, orderId);
    await ctx.db.deleteFrom('checkout_attempts').where('order_id', '=', orderId).execute();
  } catch (err) {
    ctx.log.warn({ err, orderId }, 'could not release a failed placement; the sweeper will');
  }
}
