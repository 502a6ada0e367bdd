/** 상품 조회수: counted views per Korean day and product, and the ClickEvents record of each. */
import type { EventData } from '@mp/contracts';
import { type Dapr, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/**
 * A counted view (product.viewed): the day's counter moves in the event's transaction, and the
 * view is written to ClickEvents (a Dapr state store: DynamoDB `ClickEvents` on AWS) under the
 * event's id, so a redelivery writes the same record again rather than a second one.
 */
export async function countView(
  trx: Transaction<Database>,
  dapr: Dapr,
  store: { name: string; ttlDays: number },
  eventId: string,
  v: EventData<'product.viewed'>,
) {
  await sql`
    insert into views_daily (day, product_id, seller_id, category_id, views)
    values ((${v.viewedAt}::timestamptz at time zone 'Asia/Seoul')::date, ${v.productId}, ${v.sellerId}, ${v.categoryId}, 1)
    on conflict (day, product_id) do update set views = views_daily.views + 1`.execute(trx);
  await dapr.saveState(
    store.name,
    `view:${eventId}`,
    { type: 'product.view', ...v },
    { ttlSeconds: store.ttlDays * 86_400 },
  );
}
