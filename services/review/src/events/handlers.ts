import { type EventHandlers, PermanentEventError, type ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** A delivered shipment makes its items reviewable by their buyer (리뷰 작성 가능). */
export function handlers(_deps: ServiceDeps<Database>): EventHandlers<Database> {
  return {
    'shipping.delivered': async ({ data }, { trx }) => {
      if (!data.userId || !data.items?.length) {
        // Without the buyer and the items nobody could review this delivery: a person must look.
        throw new PermanentEventError(
          `shipment ${data.shipmentId} was delivered without its buyer and items`,
        );
      }
      await trx
        .insertInto('reviewable_items')
        .values(
          data.items.map((i) => ({
            order_id: data.orderId,
            item_id: i.itemId,
            user_id: data.userId!,
            product_id: i.productId,
            sku: i.sku,
            delivered_at: new Date(data.deliveredAt),
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
  };
}
