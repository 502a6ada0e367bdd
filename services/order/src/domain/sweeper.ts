import type { OrderContext } from './context.ts';
import { release } from './upstream.ts';

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
