import { ApiError, conflict, currentContext, newId, validationFailed } from '@mp/platform';
import type { Address } from '../db/schema.ts';
import { allocateDiscount, type Line, lineAmount, sellerShippingFees, sellerSubtotals } from './amounts.ts';
import type { Db, Order, OrderContext } from './context.ts';
import { publishOpts } from './orders.ts';
import { type CouponGrant, quote, release, reserve, validateCoupon } from './upstream.ts';

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
 * Places an order (flow 4.1 step 2): quote the products (product), reserve every SKU (inventory),
 * validate the coupon (coupon) — synchronous Dapr invocations — then commit the order, its items
 * and order.created in one transaction. A checkout attempt is committed before the reservation
 * and deleted with the order's commit, so a placement that dies in between leaves a trace the
 * sweeper uses to release the stock; any failure here releases it at once. With an
 * Idempotency-Key the order is unique per (buyer, key): a retry after a crash finds it.
 */
export async function placeOrder(
  ctx: OrderContext,
  userId: string,
  input: PlaceOrder,
  idempotencyKey?: string,
): Promise<{ order: Order; created: boolean }> {
  const { db, dapr, rules } = ctx;
  const done = idempotencyKey && (await findPlaced(db, userId, idempotencyKey));
  if (done) return { order: done, created: false };
  const earlier = idempotencyKey
    ? await db
        .selectFrom('checkout_attempts')
        .select('order_id')
        .where('user_id', '=', userId)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst()
    : undefined;
  const orderId = earlier?.order_id ?? newId();
  await db
    .insertInto('checkout_attempts')
    .values({ order_id: orderId, user_id: userId, idempotency_key: idempotencyKey ?? null })
    .onConflict((oc) => oc.doNothing())
    .execute();

  const lines = mergeLines(input.items);
  let reserveCalled = false;
  let reservedNothing = false;
  try {
    const quoted = await quote(dapr, lines);
    const window =
      input.paymentMethod === 'virtual_account'
        ? rules.virtualAccountWindowSeconds
        : rules.paymentWindowSeconds;
    reserveCalled = true;
    await reserve(
      dapr,
      orderId,
      lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      window + rules.reservationMarginSeconds,
    ).catch((err) => {
      // A refusal (out of stock, unknown SKU) reserved nothing; a lost answer may have reserved.
      if (err instanceof ApiError && err.status < 500) reservedNothing = true;
      throw err;
    });

    const priced: (Line & (typeof quoted)[number] & { quantity: number })[] = quoted.map((q, i) => ({
      ...q,
      quantity: lines[i]!.quantity,
    }));
    const total = priced.reduce((s, l) => s + lineAmount(l), 0);
    let coupon: CouponGrant | undefined;
    if (input.couponId)
      coupon = await validateCoupon(dapr, {
        userId,
        couponId: input.couponId,
        orderAmount: total,
        items: sellerSubtotals(priced),
      });
    const discounts = allocateDiscount(
      priced,
      coupon?.discountAmount ?? 0,
      (l) => !coupon?.sellerId || l.sellerId === coupon.sellerId,
    );
    const discount = discounts.reduce((a, b) => a + b, 0);
    const fees = sellerShippingFees(priced, rules.shipping);
    const fee = fees.reduce((s, f) => s + f.amount, 0);
    const payable = total - discount + fee;
    if (input.expectedPayableAmount !== undefined && input.expectedPayableAmount !== payable)
      throw conflict('PRICE_CHANGED', `The price changed: the order now comes to ${payable}원`, {
        payableAmount: payable,
      });

    const categoryOf = new Map(quoted.map((q) => [q.sku, q.categoryId]));
    const now = new Date();
    const order = await db.transaction().execute(async (trx) => {
      // The sweeper may have given this placement up (and released its stock): then so do we.
      const mine = await trx
        .deleteFrom('checkout_attempts')
        .where('order_id', '=', orderId)
        .returning('order_id')
        .executeTakeFirst();
      if (!mine)
        throw new ApiError(
          503,
          'CHECKOUT_TIMED_OUT',
          'Placing the order took too long; try again',
          {},
          { 'retry-after': '1' },
        );
      const sellerIds = [...new Set(priced.map((l) => l.sellerId))];
      const o = await trx
        .insertInto('orders')
        .values({
          id: orderId,
          user_id: userId,
          status: 'PENDING_PAYMENT',
          total_amount: total,
          discount_amount: discount,
          shipping_fee: fee,
          payable_amount: payable,
          coupon_id: coupon?.couponId ?? null,
          user_coupon_id: coupon?.userCouponId ?? null,
          coupon_funded_by: coupon?.fundedBy ?? (coupon ? 'ADMIN' : null),
          payment_method: input.paymentMethod,
          shipping_address: JSON.stringify(input.shippingAddress) as never,
          seller_ids: sellerIds,
          idempotency_key: idempotencyKey ?? null,
          payment_id: null,
          correlation_id: currentContext()?.correlationId ?? orderId,
          payment_due_at: new Date(now.getTime() + window * 1000),
          paid_at: null,
          delivered_at: null,
          completed_at: null,
          cancelled_at: null,
          cancel_reason: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const items = await trx
        .insertInto('order_items')
        .values(
          priced.map((l, i) => ({
            id: newId(),
            order_id: orderId,
            product_id: l.productId,
            sku: l.sku,
            seller_id: l.sellerId,
            name: l.name,
            option_values: JSON.stringify(l.optionValues ?? {}) as never,
            unit_price: l.unitPrice,
            quantity: l.quantity,
            line_amount: lineAmount(l),
            discount_amount: discounts[i]!,
            confirmed_at: null,
          })),
        )
        .returningAll()
        .execute();
      await trx
        .insertInto('order_events')
        .values({
          order_id: orderId,
          type: 'ORDER_CREATED',
          from_status: null,
          to_status: 'PENDING_PAYMENT',
          source_event_id: null,
          data: null,
        })
        .execute();
      await ctx.events.publish(
        trx,
        'order.created',
        {
          orderId,
          userId,
          sellerId: sellerIds[0]!,
          items: items.map((i) => ({
            itemId: i.id,
            productId: i.product_id,
            sku: i.sku,
            sellerId: i.seller_id,
            name: i.name,
            quantity: i.quantity,
            price: i.unit_price,
            options: i.option_values,
            discountAmount: i.discount_amount,
            ...(categoryOf.get(i.sku) ? { categoryId: categoryOf.get(i.sku) } : {}),
          })),
          totalAmount: total,
          shippingAddress: input.shippingAddress,
          paymentMethod: input.paymentMethod,
          ...(coupon
            ? {
                couponId: coupon.couponId,
                userCouponId: coupon.userCouponId,
                couponIssuer: o.coupon_funded_by ?? 'ADMIN',
                ...(coupon.sellerId ? { couponSellerId: coupon.sellerId } : {}),
              }
            : {}),
          sellerIds,
          discountAmount: discount,
          shippingFee: fee,
          sellerShippingFees: fees,
          payableAmount: payable,
          paymentDueAt: o.payment_due_at.toISOString(),
          createdAt: o.created_at.toISOString(),
        },
        publishOpts(o),
      );
      return o;
    });
    return { order, created: true };
  } catch (err) {
    await giveUp(ctx, orderId, reserveCalled && !reservedNothing);
    const constraint = (err as { constraint?: string }).constraint;
    if (constraint === 'orders_coupon_once')
      throw conflict('COUPON_ALREADY_USED', 'This coupon is on another order');
    throw err;
  }
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

/**
 * The sweeper: placements that never committed (the process died between reserving and
 * committing) have their reservation released and their attempt forgotten. Inventory also
 * expires reservations by itself, but an order that never existed must not hold stock that long.
 */
export async function sweepAbandonedCheckouts(ctx: OrderContext, batch = 50): Promise<number> {
  let swept = 0;
  for (let i = 0; i < batch; i++) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const stale = await trx
        .selectFrom('checkout_attempts')
        .select('order_id')
        .where('created_at', '<', new Date(Date.now() - ctx.rules.checkoutStaleSeconds * 1000))
        .orderBy('created_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!stale) return false;
      await release(ctx.dapr, stale.order_id);
      await trx.deleteFrom('checkout_attempts').where('order_id', '=', stale.order_id).execute();
      ctx.log.info({ orderId: stale.order_id }, 'released the stock of a placement that never committed');
      return true;
    });
    if (!done) break;
    swept++;
  }
  return swept;
}
