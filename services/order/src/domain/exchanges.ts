import {
  ApiError,
  conflict,
  jsonb,
  newId,
  notFound,
  type Principal,
  publishOptions,
  validationFailed,
} from '@mp/platform';
import type { ExchangeLine } from '../db/schema.ts';
import type { Db, OrderContext, OrderItem } from './context.ts';
import { exchangeEvent, held, openExchange } from './exchange-state.ts';
import { itemsOf, lockOwnOrder, note } from './orders.ts';
import { received } from './status.ts';
import { quote, release, reserve } from './upstream.ts';

export interface ExchangeRequest {
  reason: string;
  items: { itemId: string; quantity: number; newSku: string }[];
}

/** The new SKU is held for the whole exchange (inventory keeps it reserved until completion). */
const holdSeconds = 604_800;

/**
 * 교환요청 after delivery (the refund request's window: delivered, not yet confirmed): some units
 * of one seller's items for another option of the same product at the same unit price. Product
 * quotes the new SKUs, inventory reserves them under the exchange's id (all or nothing), then the
 * exchange and order.exchange.requested commit together. Any refusal leaves nothing behind.
 */
export async function requestExchange(
  ctx: OrderContext,
  by: Principal,
  orderId: string,
  input: ExchangeRequest,
) {
  const exchangeId = newId();
  const checked = await checkRequest(ctx, by, orderId, input);
  const quoted = await quote(
    ctx.dapr,
    checked.map((w) => ({ productId: w.item.product_id, sku: w.newSku, quantity: w.quantity })),
  ).catch((err) => {
    if (!(err instanceof ApiError) || err.code !== 'PRODUCT_NOT_FOUND') throw err;
    // Product names the unknown lines as items.N (`POST /internal/products/quote`); here that is the N-th newSku.
    const named = (err.extras.errors as { path?: string }[] | undefined)?.flatMap((e) => {
      const n = /^items\.(\d+)/.exec(e.path ?? '')?.[1];
      return n === undefined ? [] : [Number(n)];
    });
    const lines = named?.length ? named : checked.map((_, n) => n);
    throw validationFailed(
      lines.map((n) => ({ path: `items.${n}.newSku`, message: 'not an option of this product' })),
    );
  });
  const mismatched = quoted.flatMap((q, n) =>
    q.productId !== checked[n]!.item.product_id || q.unitPrice !== checked[n]!.item.unit_price
      ? [
          {
            path: `items.${n}.newSku`,
            message: `${q.sku} costs ${q.unitPrice}원, the item ${checked[n]!.item.unit_price}원`,
          },
        ]
      : [],
  );
  if (mismatched.length)
    throw conflict(
      'EXCHANGE_PRICE_MISMATCH',
      'An exchange is for an option of the same product at the same price; refund and order again instead',
      { errors: mismatched },
    );

  // A trace committed before reserving: if we die before the exchange commits, the sweeper releases it.
  await ctx.db
    .insertInto('checkout_attempts')
    .values({ order_id: exchangeId, user_id: by.userId, idempotency_key: null })
    .execute();
  let mayHaveReserved = true;
  try {
    await reserve(
      ctx.dapr,
      exchangeId,
      checked.map((w) => ({ sku: w.newSku, quantity: w.quantity })),
      holdSeconds,
    ).catch((err) => {
      if (err instanceof ApiError && err.status < 500) mayHaveReserved = false;
      throw err;
    });
    return await ctx.db.transaction().execute(async (trx) => {
      // Checked again under the order's lock: a concurrent request or refund may have taken the units.
      const o = await lockOwnOrder(trx, by, orderId);
      const again = await checkRequest(ctx, by, orderId, input, trx);
      const lines: ExchangeLine[] = again.map((w, n) => ({
        itemId: w.item.id,
        productId: w.item.product_id,
        sku: w.item.sku,
        newSku: w.newSku,
        newOptionValues: (quoted[n]!.optionValues ?? {}) as Record<string, unknown>,
        quantity: w.quantity,
      }));
      const x = await trx
        .insertInto('exchanges')
        .values({
          id: exchangeId,
          order_id: o.id,
          user_id: o.user_id,
          seller_id: again[0]!.item.seller_id,
          reason: input.reason,
          items: jsonb(lines),
          status: 'REQUESTED',
          pickup_shipment_id: null,
          pickup_status: null,
          delivery_shipment_id: null,
          delivery_status: null,
          close_reason: null,
          completed_at: null,
          closed_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('checkout_attempts').where('order_id', '=', exchangeId).execute();
      await note(trx, o.id, {
        type: 'EXCHANGE_REQUESTED',
        data: { exchangeId, reason: input.reason, items: lines },
      });
      await ctx.events.publish(
        trx,
        'order.exchange.requested',
        { ...exchangeEvent(x), reason: x.reason, requestedAt: x.requested_at.toISOString() },
        publishOptions('order', o),
      );
      return { order: o, exchange: x };
    });
  } catch (err) {
    try {
      if (mayHaveReserved) await release(ctx.dapr, exchangeId);
      await ctx.db.deleteFrom('checkout_attempts').where('order_id', '=', exchangeId).execute();
    } catch (cleanup) {
      ctx.log.warn({ err: cleanup, exchangeId }, 'could not release a failed exchange; the sweeper will');
    }
    throw err;
  }
}

/** Who may exchange what: the buyer's delivered order, one seller's items, units neither refunded nor being exchanged. */
async function checkRequest(
  ctx: OrderContext,
  by: Principal,
  orderId: string,
  input: ExchangeRequest,
  db?: Db,
) {
  const read = db ?? ctx.db;
  const o = await read.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!o || (by.role !== 'admin' && o.user_id !== by.userId))
    throw notFound('ORDER_NOT_FOUND', 'No such order');
  if (!received.includes(o.status))
    throw conflict(
      'EXCHANGE_NOT_ALLOWED',
      'An exchange can be requested once the order is delivered and before purchase is confirmed',
      { status: o.status },
    );
  const items = await itemsOf(read, o.id);
  const exchanges = await read.selectFrom('exchanges').selectAll().where('order_id', '=', o.id).execute();
  if (new Set(input.items.map((w) => w.itemId)).size !== input.items.length)
    throw validationFailed([{ path: 'items', message: 'each item once' }]);
  const wanted = input.items.map((w, n) => {
    const item = items.find((i) => i.id === w.itemId);
    if (!item) throw validationFailed([{ path: `items.${n}.itemId`, message: 'not an item of this order' }]);
    if (w.newSku === item.sku)
      throw validationFailed([
        { path: `items.${n}.newSku`, message: 'another option than the one delivered' },
      ]);
    const left = exchangeable(item, exchanges);
    if (w.quantity > left)
      throw validationFailed([
        { path: `items.${n}.quantity`, message: left ? `at most ${left}` : 'nothing left to exchange' },
      ]);
    return { item, quantity: w.quantity, newSku: w.newSku };
  });
  if (new Set(wanted.map((w) => w.item.seller_id)).size > 1)
    throw validationFailed([{ path: 'items', message: "one seller's items per exchange" }]);
  if (exchanges.some((x) => openExchange(x) && x.seller_id === wanted[0]!.item.seller_id))
    throw conflict('EXCHANGE_ALREADY_OPEN', "An exchange of this seller's items is already under way");
  return wanted;
}

/** Units of a line the buyer still holds and has not asked to exchange already (a unit is exchanged once). */
export const exchangeable = (item: OrderItem, exchanges: Parameters<typeof held>[1]) =>
  item.quantity - item.refunded_quantity - held(item.id, exchanges);
