import { decodeCursor, type Kysely, keysetPage, sql, timeIdCursor } from '@mp/platform';
import type { Database, ProductStatus } from '../db/schema.ts';
import { thumbnailColumn } from './listing.ts';
import { listItem } from './views.ts';

/** Products in one status, oldest first (상품 심사 대기 목록), a keyset page at a time. */
export async function productsByStatus(
  db: Kysely<Database>,
  q: { status: ProductStatus; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, timeIdCursor);
  let query = db
    .selectFrom('products as p')
    .selectAll('p')
    .select(thumbnailColumn)
    .where('p.status', '=', q.status);
  if (after)
    query = query.where(sql<boolean>`(p.created_at, p.id) > (${after.t}::timestamptz, ${after.id}::uuid)`);
  const rows = await query
    .orderBy('p.created_at')
    .orderBy('p.id')
    .limit(q.limit + 1)
    .execute();
  const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
    t: last.created_at.toISOString(),
    id: last.id,
  }));
  return {
    items: page.map(listItem),
    nextCursor,
  };
}
