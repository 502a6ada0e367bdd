import type { EventPublisher, Transaction } from '@mp/platform';
import { publishOptions, sql } from '@mp/platform';
import type { Database, StockStatus } from '../db/schema.ts';

/**
 * inventory's news about a SKU (adjusted, low_stock, out_of_stock): applied only if newer than
 * what the product holds (by the SKU's stock version). When the product's display stock or its
 * 품절임박/품절 flag changes, `product.stock.changed` tells search. The SKU's update, the product's
 * row lock, its SKUs' figures and the product's new display stock are one statement: a hot SKU's
 * row is held for two round trips (this one and the event's), not three. The flag follows
 * `productStockStatus` (options.ts): 품절 when no active option has any left, 품절임박 when none is
 * comfortably in stock.
 */
export async function applySkuStock(
  trx: Transaction<Database>,
  events: EventPublisher,
  news: { sku: string; available?: number; status: StockStatus; version?: number | undefined },
): Promise<void> {
  const version = news.version ?? null;
  const { rows } = await sql<{
    id: string;
    stock: number;
    next_stock: number;
    next_status: StockStatus;
    version: number | null;
  }>`
    with s as (
      update product_skus set
        ${news.available !== undefined ? sql`available = ${news.available},` : sql``}
        stock_status = ${news.status}
        ${version !== null ? sql`, stock_version = ${version}` : sql``}
      where sku = ${news.sku} ${version !== null ? sql`and stock_version < ${version}` : sql``}
      returning product_id, sku, available, stock_status, active),
    p as (
      select p.id, p.stock, p.stock_status from products p join s on p.id = s.product_id for update of p),
    k as (
      select available, stock_status, active from s
      union all
      select o.available, o.stock_status, o.active from product_skus o
      where o.product_id = (select product_id from s) and o.sku <> (select sku from s)),
    n as (
      select coalesce(sum(available) filter (where active), 0)::int as stock,
        coalesce(bool_or(active and stock_status = 'IN_STOCK'), false) as comfortable from k),
    next as (
      select n.stock, (case when n.stock = 0 then 'OUT_OF_STOCK' when n.comfortable then 'IN_STOCK'
        else 'LOW_STOCK' end)::text as status from n),
    u as (
      update products set stock = next.stock, stock_status = next.status, version = version + 1,
        updated_at = ${new Date()}
      from p, next
      where products.id = p.id and (p.stock <> next.stock or p.stock_status <> next.status)
      returning products.version)
    select p.id, p.stock, next.stock as next_stock, next.status as next_status, (select version from u) as version
    from p, next`.execute(trx);
  const product = rows[0];
  if (!product || product.version === null) return;
  await events.publish(
    trx,
    'product.stock.changed',
    {
      productId: product.id,
      previousStock: product.stock,
      currentStock: product.next_stock,
      changedBy: 'inventory',
      stockStatus: product.next_status,
      version: product.version,
    },
    publishOptions('product', product.id),
  );
}

/**
 * A review's rating, kept per review so that edits and deletions keep the product's average
 * exact; news older than what is held (by the review's own timestamps) is ignored.
 */
export async function applyRating(
  trx: Transaction<Database>,
  r: { reviewId: string; productId: string; rating?: number; at: string; deleted: boolean },
): Promise<void> {
  await sql`
    insert into review_ratings (review_id, product_id, rating, changed_at, deleted)
    values (${r.reviewId}, ${r.productId}, ${r.rating ?? 0}, ${r.at}::timestamptz, ${r.deleted})
    on conflict (review_id) do update set
      rating = case when excluded.deleted then review_ratings.rating else excluded.rating end,
      changed_at = excluded.changed_at,
      deleted = review_ratings.deleted or excluded.deleted
    where review_ratings.changed_at <= excluded.changed_at or excluded.deleted`.execute(trx);
  await sql`
    update products p set review_count = s.n, rating_sum = s.total
    from (select count(*)::int as n, coalesce(sum(rating), 0)::int as total
          from review_ratings where product_id = ${r.productId} and not deleted) s
    where p.id::text = ${r.productId}`.execute(trx);
}

/** Sold items (구매확정 or confirmed order items) count once each; a cancelled order takes them back. */
export async function countSale(
  trx: Transaction<Database>,
  sale: { orderId: string; itemId: string; productId: string; quantity: number },
): Promise<void> {
  const counted = await trx
    .insertInto('order_sales')
    .values({
      order_id: sale.orderId,
      item_id: sale.itemId,
      product_id: sale.productId,
      quantity: sale.quantity,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('quantity')
    .executeTakeFirst();
  if (!counted) return;
  await sql`update products set sales_count = sales_count + ${sale.quantity} where id::text = ${sale.productId}`.execute(
    trx,
  );
}

export async function uncountOrder(trx: Transaction<Database>, orderId: string): Promise<void> {
  const gone = await trx
    .deleteFrom('order_sales')
    .where('order_id', '=', orderId)
    .returning(['product_id', 'quantity'])
    .execute();
  for (const g of gone) {
    await sql`update products set sales_count = greatest(sales_count - ${g.quantity}, 0) where id::text = ${g.product_id}`.execute(
      trx,
    );
  }
}
