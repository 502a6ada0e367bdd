import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import { devicesOf, register, unregister } from '../domain/devices.ts';

const device = z
  .object({
    token: z.string(),
    platform: z.enum(['ANDROID', 'IOS', 'WEB']),
    registeredAt: z.string(),
    lastSeenAt: z.string(),
  })
  .openapi('Device');
// FCM registration tokens are ~160–200 characters of [A-Za-z0-9_:-].
const token = z
  .string()
  .min(8)
  .max(4096)
  .regex(/^[\w:.-]+$/, 'an FCM registration token');
const registration = z.object({ token, platform: z.enum(['ANDROID', 'IOS', 'WEB']) }).strict();

const post = createRoute({
  method: 'post',
  path: '/api/v1/notifications/devices',
  summary: 'Register this device for push (FCM token; iOS tokens too, FCM delivers through APNs)',
  middleware: [requireRole()] as const,
  request: { body: jsonBody(registration) },
  responses: {
    200: jsonResponse(device, 'Already registered (refreshed)'),
    201: jsonResponse(device, 'Registered'),
    ...problems(400, 401),
  },
});
const list = createRoute({
  method: 'get',
  path: '/api/v1/notifications/devices',
  summary: 'My devices registered for push, newest first',
  middleware: [requireRole()] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(device) }), 'Devices'), ...problems(401) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/notifications/devices/{token}',
  summary: 'Stop pushing to one of my devices (sign-out on that device)',
  middleware: [requireRole()] as const,
  request: { params: z.object({ token }) },
  responses: { 204: { description: 'Removed' }, ...problems(400, 401, 404) },
});

/** Device registration for push (기기 등록). */
export function deviceRoutes(app: App, deps: NotificationDeps): void {
  const { db } = deps;
  app.openapi(post, async (c) => {
    const b = c.req.valid('json');
    const { device: d, created } = await register(db, principalOf(c), b.token, b.platform);
    return created ? c.json(d, 201) : c.json(d, 200);
  });
  app.openapi(list, async (c) => c.json({ items: await devicesOf(db, principalOf(c).userId) }, 200));
  app.openapi(remove, async (c) => {
    if (!(await unregister(db, principalOf(c).userId, c.req.valid('param').token)))
      throw notFound('DEVICE_NOT_FOUND', 'No such device');
    return c.body(null, 204);
  });
}
