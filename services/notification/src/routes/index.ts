import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import { markRead, page, readHistory } from '../domain/history.ts';
import { readSettings, saveSettings, settingsInput, settingsSchema } from '../domain/settings.ts';
import { deviceRoutes } from './devices.ts';

const entry = z
  .object({
    id: z.string(),
    channel: z.enum(['EMAIL', 'IN_APP']),
    template: z.string(),
    category: z.string(),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    status: z.enum(['SENT', 'FAILED']),
    sourceEventId: z.string(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
    deliveries: z.array(
      z.object({
        channel: z.enum(['EMAIL', 'PUSH', 'SMS', 'ALIMTALK']),
        status: z.enum(['PENDING', 'SENT', 'FAILED', 'SKIPPED']),
        reason: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi('Notification');
const settings = settingsSchema.openapi('NotificationSettings');

const list = createRoute({
  method: 'get',
  path: '/api/v1/notifications',
  summary: 'My notifications (알림 내역), newest first',
  middleware: [requireRole()] as const,
  request: { query: pageQuery.extend({ unread: z.enum(['true', 'false']).optional() }) },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(entry), nextCursor: z.string().nullable(), unread: z.int() }),
      'Notifications',
    ),
    ...problems(400, 401),
  },
});
const read = createRoute({
  method: 'post',
  path: '/api/v1/notifications/{id}/read',
  summary: 'Mark one of my notifications read',
  middleware: [requireRole()] as const,
  request: { params: z.object({ id: z.string().max(64) }) },
  responses: { 204: { description: 'Read' }, ...problems(401, 404) },
});
const getSettings = createRoute({
  method: 'get',
  path: '/api/v1/notifications/settings',
  summary: 'My notification settings (알림 설정)',
  middleware: [requireRole()] as const,
  responses: { 200: jsonResponse(settings, 'Settings'), ...problems(401) },
});
const putSettings = createRoute({
  method: 'put',
  path: '/api/v1/notifications/settings',
  summary:
    'Replace my notification settings (account and security mail is always sent; push and sms left out keep their values)',
  middleware: [requireRole()] as const,
  request: { body: jsonBody(settingsInput) },
  responses: { 200: jsonResponse(settings, 'Settings'), ...problems(400, 401) },
});

/** The public routes of the notification service. */
export function routes(app: App, deps: NotificationDeps): void {
  const { dapr } = deps;
  deviceRoutes(app, deps);
  app.openapi(getSettings, async (c) => c.json(await readSettings(dapr, principalOf(c).userId), 200));

  app.openapi(putSettings, async (c) => {
    const body = c.req.valid('json');
    const userId = principalOf(c).userId;
    const saved = await readSettings(dapr, userId);
    const next = { ...body, push: body.push ?? saved.push, sms: body.sms ?? saved.sms };
    await saveSettings(dapr, userId, next);
    return c.json(next, 200);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const items = await readHistory(dapr, principalOf(c).userId);
    const paged = page(items, q.limit, q.cursor, q.unread === 'true');
    return c.json(
      {
        ...paged,
        items: paged.items.map((i) => ({ ...i, deliveries: i.deliveries ?? [] })),
        unread: items.filter((i) => !i.readAt).length,
      },
      200,
    );
  });

  app.openapi(read, async (c) => {
    const found = await markRead(dapr, principalOf(c).userId, c.req.valid('param').id);
    if (!found) throw notFound('NOTIFICATION_NOT_FOUND', 'No such notification');
    return c.body(null, 204);
  });
}
