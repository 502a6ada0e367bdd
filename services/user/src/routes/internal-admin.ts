import { type App, createRoute, jsonBody, jsonResponse, pageOf, pageQuery, problems, z } from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { listAccounts } from '../domain/account-list.ts';
import { setStatus } from '../domain/account-status.ts';
import { adminUser, role, status, toAdmin, userIdParam } from './internal-schemas.ts';

const statusBody = jsonBody(
  z.object({ reason: z.string().trim().min(1).max(500).optional(), adminId: z.string().max(64).optional() }),
);
const suspend = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/suspend',
  summary: 'Suspends an account (admin); repeating it is harmless',
  request: { params: userIdParam, body: statusBody },
  responses: {
    200: jsonResponse(adminUser.extend({ changed: z.boolean() }), 'The account'),
    ...problems(400, 404, 422),
  },
});
const restore = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/restore',
  summary: 'Restores a suspended account (admin)',
  request: { params: userIdParam, body: statusBody },
  responses: {
    200: jsonResponse(adminUser.extend({ changed: z.boolean() }), 'The account'),
    ...problems(400, 404),
  },
});
const list = createRoute({
  method: 'get',
  path: '/internal/users',
  summary: 'Accounts, newest first, filtered (admin)',
  request: {
    query: pageQuery.extend({
      status: status.optional(),
      role: role.optional(),
      q: z.string().trim().min(1).max(100).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(adminUser), 'Accounts'), ...problems(400) },
});

/** The back office's view of accounts: suspend, restore, search (through the admin service). */
export function adminRoutes(app: App, deps: UserDeps) {
  app.openapi(suspend, async (c) => {
    const { user, changed } = await setStatus(
      deps,
      c.req.valid('param').userId,
      'SUSPENDED',
      c.req.valid('json').reason,
    );
    return c.json({ ...toAdmin(user), changed }, 200);
  });

  app.openapi(restore, async (c) => {
    const { user, changed } = await setStatus(deps, c.req.valid('param').userId, 'ACTIVE');
    return c.json({ ...toAdmin(user), changed }, 200);
  });

  app.openapi(list, async (c) => {
    const { rows, nextCursor } = await listAccounts(deps.db, c.req.valid('query'));
    return c.json({ items: rows.map(toAdmin), nextCursor }, 200);
  });
}
