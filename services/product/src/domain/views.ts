import {
  type Dapr,
  type EventPublisher,
  type Kysely,
  publishOptions,
  StateConflictError,
  sql,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { namedPath } from './categories.ts';
import type { FullProduct, ProductRow } from './state.ts';
import { thumbnailOf } from './state.ts';

const rating = (p: ProductRow) => ({
  average: p.review_count ? Math.round((p.rating_sum / p.review_count) * 10) / 10 : 0,
  count: p.review_count,
});

/** A product in a list. */
export const listItem = (p: ProductRow & { thumbnail_url: string | null }) => ({
  id: p.id,
  sellerId: p.seller_id,
  name: p.name,
  brand: p.brand,
  price: p.price,
  categoryId: p.category_id,
  status: p.status,
  thumbnailUrl: p.thumbnail_url,
  stock: p.stock,
  stockStatus: p.stock_status,
  rating: rating(p),
  salesCount: p.sales_count,
  createdAt: p.created_at.toISOString(),
});

/** A product's page: options with their prices and stock flags, images, category path, rating. */
export async function detail(db: Kysely<Database>, f: FullProduct, opts: { forOwner: boolean }) {
  const p = f.product;
  return {
    ...listItem({ ...p, thumbnail_url: thumbnailOf(f.images) }),
    description: p.description,
    version: p.version,
    categoryPath: await namedPath(db, f.categoryPath),
    images: f.images.map((i) => ({ fileId: i.file_id, url: i.url, thumbnailUrl: i.thumbnail_url ?? i.url })),
    options: f.skus
      .filter((s) => s.active)
      .map((s) => ({
        sku: s.sku,
        name: s.name,
        values: s.option_values,
        priceDelta: s.price_delta,
        price: p.price + s.price_delta,
        available: s.available,
        stockStatus: s.stock_status,
      })),
    viewCount: p.view_count,
    approvedAt: p.approved_at?.toISOString() ?? null,
    updatedAt: p.updated_at.toISOString(),
    ...(opts.forOwner ? { rejectionReason: p.rejection_reason } : {}),
  };
}

export const VIEWS_STORE = 'productviews';
/** The user service's recent-views document (최근 본 상품) in the ProductViews store. */
export const viewsKey = (userId: string) => `recent-views:${userId}`;

/**
 * A signed-in user opened a product page: it moves to the front of their recent views, and a
 * view counts towards popularity once per user per half hour.
 */
export async function recordView(
  deps: { db: Kysely<Database>; dapr: Dapr; events: EventPublisher },
  userId: string,
  product: ProductRow,
  keep: number,
): Promise<boolean> {
  const { db, dapr } = deps;
  const productId = product.id;
  // The counted view and its product.viewed (stats' views series and ClickEvents) commit together.
  const counted = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ at: Date }>`
      insert into product_views (user_id, product_id, viewed_at) values (${userId}, ${productId}, now())
      on conflict (user_id, product_id) do update set viewed_at = now()
      where product_views.viewed_at < now() - interval '30 minutes'
      returning viewed_at as at`.execute(trx);
    if (!rows[0]) return false;
    await sql`update products set view_count = view_count + 1 where id = ${productId}`.execute(trx);
    await deps.events.publish(
      trx,
      'product.viewed',
      {
        productId,
        sellerId: product.seller_id,
        categoryId: product.category_id,
        userId,
        viewedAt: rows[0].at.toISOString(),
      },
      publishOptions('product', productId),
    );
    return true;
  });

  for (let attempt = 0; ; attempt++) {
    const { value, etag } = await dapr.getState<{ items: { productId: string; at: string }[] }>(
      VIEWS_STORE,
      viewsKey(userId),
    );
    const items = [
      { productId, at: new Date().toISOString() },
      ...(value?.items ?? []).filter((i) => i.productId !== productId),
    ].slice(0, keep);
    try {
      await dapr.saveState(VIEWS_STORE, viewsKey(userId), { items }, etag ? { etag } : {});
      return counted;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 4) throw err;
    }
  }
}
