import {
  type App,
  conflict,
  createRoute,
  decodeCursor,
  jsonBody,
  jsonResponse,
  keysetPage,
  newId,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type Selectable,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { NoticesTable } from '../../db/backoffice-schema.ts';
import type { Database } from '../../db/schema.ts';
import { publishNotice } from '../../domain/notices.ts';

const audience = z.enum(['ALL', 'BUYERS', 'SELLERS']).openapi({ description: '공지 대상' });
const noticeView = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    audience,
    pinned: z.boolean(),
    status: z.enum(['DRAFT', 'PUBLISHED']),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedBy: z.string().nullable(),
    publishedAt: z.string().nullable(),
  })
  .openapi('Notice');
const view = (n: Selectable<NoticesTable>): z.infer<typeof noticeView> => ({
  id: n.id,
  title: n.title,
  body: n.body,
  audience: n.audience,
  pinned: n.pinned,
  status: n.status,
  createdBy: n.created_by,
  createdAt: n.created_at.toISOString(),
  updatedAt: n.updated_at.toISOString(),
  publishedBy: n.published_by,
  publishedAt: n.published_at?.toISOString() ?? null,
});
const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const title = z.string().trim().min(1).max(200);
const body = z.string().trim().min(1).max(20_000);
const security = [{ bearer: [] }];

const list = createRoute({
  method: 'get',
  path: '/api/v1/admin/notices',
  summary: '공지사항, newest first',
  middleware: [requireRole('admin')] as const,
  security,
  request: {
    query: pageQuery.extend({
      status: z.enum(['DRAFT', 'PUBLISHED']).optional(),
      audience: audience.optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(noticeView), 'Notices'), ...problems(400, 401, 403) },
});
const create = createRoute({
  method: 'post',
  path: '/api/v1/admin/notices',
  summary: 'Drafts a notice',
  middleware: [requireRole('admin')] as const,
  security,
  request: {
    body: jsonBody(
      z.object({ title, body, audience: audience.default('ALL'), pinned: z.boolean().default(false) }),
    ),
  },
  responses: { 201: jsonResponse(noticeView, 'The draft'), ...problems(400, 401, 403) },
});
const get = createRoute({
  method: 'get',
  path: '/api/v1/admin/notices/{id}',
  summary: 'One notice',
  middleware: [requireRole('admin')] as const,
  security,
  request: { params: idParam },
  responses: { 200: jsonResponse(noticeView, 'The notice'), ...problems(400, 401, 403, 404) },
});
const edit = createRoute({
  method: 'patch',
  path: '/api/v1/admin/notices/{id}',
  summary: 'Edits a draft (a published notice stays as it was published)',
  middleware: [requireRole('admin')] as const,
  security,
  request: {
    params: idParam,
    body: jsonBody(
      z
        .object({ title, body, audience, pinned: z.boolean() })
        .partial()
        .refine((o) => Object.keys(o).length > 0, 'name at least one field to change'),
    ),
  },
  responses: { 200: jsonResponse(noticeView, 'The draft'), ...problems(400, 401, 403, 404, 409) },
});
const publish = createRoute({
  method: 'post',
  path: '/api/v1/admin/notices/{id}/publish',
  summary: 'Publishes a draft → admin.notice.published',
  middleware: [requireRole('admin')] as const,
  security,
  request: { params: idParam },
  responses: { 200: jsonResponse(noticeView, 'The published notice'), ...problems(400, 401, 403, 404, 409) },
});

export function noticeRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.uuid() }));
    let query = db
      .selectFrom('notices')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.audience) query = query.where('audience', '=', q.audience);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map(view),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const now = new Date();
    const row = await db
      .insertInto('notices')
      .values({
        id: newId(),
        title: b.title,
        body: b.body,
        audience: b.audience,
        pinned: b.pinned,
        status: 'DRAFT',
        created_by: principalOf(c).userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return c.json(view(row), 201);
  });

  app.openapi(get, async (c) => {
    const row = await db
      .selectFrom('notices')
      .selectAll()
      .where('id', '=', c.req.valid('param').id)
      .executeTakeFirst();
    if (!row) throw notFound('NOTICE_NOT_FOUND', 'No such notice');
    return c.json(view(row), 200);
  });

  app.openapi(edit, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const row = await db
      .updateTable('notices')
      .set({ ...b, updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'DRAFT')
      .returningAll()
      .executeTakeFirst();
    if (row) return c.json(view(row), 200);
    const exists = await db.selectFrom('notices').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw notFound('NOTICE_NOT_FOUND', 'No such notice');
    throw conflict('NOTICE_ALREADY_PUBLISHED', 'A published notice cannot be edited');
  });

  app.openapi(publish, async (c) => {
    const row = await publishNotice(deps, c.req.valid('param').id, principalOf(c).userId);
    return c.json(view(row), 200);
  });
}
