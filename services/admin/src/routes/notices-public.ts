import {
  type App,
  createRoute,
  decodeCursor,
  isId,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  problems,
  type Selectable,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { NoticesTable } from '../db/backoffice-schema.ts';
import type { Database } from '../db/schema.ts';

const publicNotice = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    audience: z.enum(['ALL', 'BUYERS', 'SELLERS']).openapi({ description: '공지 대상' }),
    pinned: z.boolean(),
    publishedAt: z.string(),
  })
  .openapi('PublicNotice');
const view = (n: Selectable<NoticesTable>): z.infer<typeof publicNotice> => ({
  id: n.id,
  title: n.title,
  body: n.body,
  audience: n.audience,
  pinned: n.pinned,
  publishedAt: n.published_at!.toISOString(),
});
/** Where a page ends: pinned notices first, then newest published first. */
const position = z.object({ pinned: z.boolean(), at: z.iso.datetime(), id: z.uuid() });

const list = createRoute({
  method: 'get',
  path: '/api/v1/notices',
  summary: '공지사항 for everyone: published only, pinned first, then newest first',
  request: { query: pageQuery.extend({ audience: z.enum(['ALL', 'BUYERS', 'SELLERS']).optional() }) },
  responses: { 200: jsonResponse(pageOf(publicNotice), 'Published notices'), ...problems(400) },
});
const get = createRoute({
  method: 'get',
  path: '/api/v1/notices/{id}',
  summary: 'One published notice',
  request: {
    params: z.object({
      id: z
        .string()
        .max(100)
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
  },
  responses: { 200: jsonResponse(publicNotice, 'The notice'), ...problems(404) },
});

/** The notices anyone may read (no sign-in): a draft is not found. */
export function publicNoticeRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, position);
    let query = db
      .selectFrom('notices')
      .selectAll()
      .where('status', '=', 'PUBLISHED')
      .orderBy('pinned', 'desc')
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.audience) query = query.where('audience', '=', q.audience);
    if (after)
      query = query.where(
        sql<boolean>`(pinned, published_at, id) < (${after.pinned}, ${new Date(after.at)}::timestamptz, ${after.id})`,
      );
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
      pinned: last.pinned,
      at: last.published_at!.toISOString(),
      id: last.id,
    }));
    return c.json(
      {
        items: page.map(view),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    // Anyone may ask for anything here: an id that is no notice's is simply not found.
    if (!isId(id)) throw notFound('NOTICE_NOT_FOUND', 'No such notice');
    const row = await db
      .selectFrom('notices')
      .selectAll()
      .where('id', '=', id)
      .where('status', '=', 'PUBLISHED')
      .executeTakeFirst();
    if (!row) throw notFound('NOTICE_NOT_FOUND', 'No such notice');
    return c.json(view(row), 200);
  });
}
