import {
  decodeCursor,
  isId,
  type Kysely,
  keysetPage,
  type Selectable,
  sql,
  timeIdCursor,
} from '@mp/platform';
import type { Database, ProductRevisionsTable, RevisionStatus } from '../db/schema.ts';

type RevisionRow = Selectable<ProductRevisionsTable>;

/** A revision as its seller and the admins see it: what it proposes and how it was decided. */
export const revisionView = (r: RevisionRow) => ({
  id: r.id,
  productId: r.product_id,
  sellerId: r.seller_id,
  status: r.status,
  proposed: {
    ...(r.change.name !== undefined ? { name: r.change.name } : {}),
    ...(r.change.description !== undefined ? { description: r.change.description } : {}),
    ...(r.change.price !== undefined ? { price: r.change.price } : {}),
    ...(r.change.images
      ? {
          images: r.change.images.map((i) => ({
            fileId: i.fileId,
            url: i.url,
            thumbnailUrl: i.thumbnailUrl ?? i.url,
          })),
        }
      : {}),
    ...(r.change.options
      ? {
          options: r.change.options.map((o) => ({
            ...(o.sku ? { sku: o.sku } : {}),
            ...(o.name ? { name: o.name } : {}),
            values: o.values ?? {},
            priceDelta: o.priceDelta ?? 0,
          })),
        }
      : {}),
  },
  rejectionReason: r.rejection_reason,
  submittedAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  decidedAt: r.decided_at?.toISOString() ?? null,
});

/** The product's latest revision (pending, or the last decided), for its seller's view of the product. */
export async function latestRevision(db: Kysely<Database>, productId: string) {
  if (!isId(productId)) return null;
  const r = await db
    .selectFrom('product_revisions')
    .selectAll()
    .where('product_id', '=', productId)
    .where('status', '!=', 'WITHDRAWN')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? revisionView(r) : null;
}

/** Revisions by status, oldest first (the pending ones are the review queue), with the product's approved name and price. */
export async function listRevisions(
  db: Kysely<Database>,
  q: { status: RevisionStatus; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, timeIdCursor);
  let query = db
    .selectFrom('product_revisions as r')
    .innerJoin('products as p', 'p.id', 'r.product_id')
    .selectAll('r')
    .select(['p.name as current_name', 'p.price as current_price', 'p.status as product_status'])
    .where('r.status', '=', q.status);
  if (after)
    query = query.where(sql<boolean>`(r.created_at, r.id) > (${after.t}::timestamptz, ${after.id}::uuid)`);
  const rows = await query
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(q.limit + 1)
    .execute();
  const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
    t: last.created_at.toISOString(),
    id: last.id,
  }));
  return {
    items: page.map((r) => ({
      ...revisionView(r),
      current: { name: r.current_name, price: r.current_price, status: r.product_status },
    })),
    nextCursor,
  };
}

/** How many products and revisions wait for review. */
export async function reviewCounts(db: Kysely<Database>) {
  const { rows } = await sql<{ products: number; revisions: number }>`
    select (select count(*) from products where status = 'PENDING_REVIEW')::int as products,
      (select count(*) from product_revisions where status = 'PENDING')::int as revisions`.execute(db);
  return rows[0]!;
}
