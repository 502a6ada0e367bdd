import {
  type App,
  createRoute,
  decodeCursor,
  jsonResponse,
  keysetPage,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { type Promotion, toPromotionDto } from '../domain/promotions.ts';
import { promotionDto } from './schemas.ts';

const list = createRoute({
  method: 'get',
  path: '/api/v1/coupons/promotions',
  summary: 'Promotions running now (ACTIVE), newest start first',
  request: { query: pageQuery.extend({ sellerId: z.string().max(64).optional() }) },
  responses: { 200: jsonResponse(pageOf(promotionDto), 'Promotions'), ...problems(400) },
});

const managed = createRoute({
  method: 'get',
  path: '/api/v1/coupons/promotions/managed',
  summary:
    'Promotions to manage, drafts, scheduled and ended ones included, newest start first: a seller its own, an admin all (or one seller’s)',
  middleware: [requireRole('admin', 'seller')] as const,
  request: { query: pageQuery.extend({ sellerId: z.string().max(64).optional() }) },
  responses: { 200: jsonResponse(pageOf(promotionDto), 'Promotions'), ...problems(400, 401, 403) },
});

const cursorOf = z.object({ startsAt: z.iso.datetime(), id: z.string() });

/** Newest start first, a page after the cursor's (startsAt, id). */
function paged(db: ServiceDeps<Database>['db'], q: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, cursorOf);
  let query = db
    .selectFrom('promotions')
    .selectAll()
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('starts_at', '<', new Date(after.startsAt)),
        eb.and([eb('starts_at', '=', new Date(after.startsAt)), eb('id', '<', after.id)]),
      ]),
    );
  return query;
}

function pageReply(rows: Promotion[], limit: number) {
  const { page, nextCursor } = keysetPage(rows, limit, (last) => ({
    startsAt: last.starts_at.toISOString(),
    id: last.id,
  }));
  return {
    items: page.map((p) => toPromotionDto(p)),
    nextCursor,
  };
}

/** Registered before `/promotions/{id}`: "managed" is not a promotion id. */
export function promotionListRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    let query = paged(db, q)
      .where('published', '=', true)
      .where('starts_at', '<=', sql<Date>`now()`)
      .where('ends_at', '>', sql<Date>`now()`);
    if (q.sellerId) query = query.where('seller_id', '=', q.sellerId);
    return c.json(pageReply(await query.execute(), q.limit), 200);
  });

  app.openapi(managed, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    let query = paged(db, q);
    if (p.role !== 'admin') query = query.where('seller_id', '=', p.userId);
    else if (q.sellerId) query = query.where('seller_id', '=', q.sellerId);
    return c.json(pageReply(await query.execute(), q.limit), 200);
  });
}
