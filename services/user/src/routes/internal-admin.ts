import { accountStatusChange, changedAdminUser, userListQuery, userPage } from '@mp/contracts';
import { type App, createRoute, jsonBody, jsonResponse, problems } from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { listAccounts } from '../domain/account-list.ts';
import { setStatus } from '../domain/account-status.ts';
import { toAdmin, userIdParam } from './internal-schemas.ts';

const statusBody = jsonBody(accountStatusChange);
const suspend = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/suspend',
  summary: 'Suspends an account (admin); repeating it is harmless',
  request: { params: userIdParam, body: statusBody },
  responses: {
    200: jsonResponse(changedAdminUser, 'The account'),
    ...problems(400, 404, 422),
  },
});
const restore = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/restore',
  summary: 'Restores a suspended account (admin)',
  request: { params: userIdParam, body: statusBody },
  responses: {
    200: jsonResponse(changedAdminUser, 'The account'),
    ...problems(400, 404),
  },
});
const list = createRoute({
  method: 'get',
  path: '/internal/users',
  summary: 'Accounts, newest first, filtered (admin)',
  request: { query: userListQuery },
  responses: { 200: jsonResponse(userPage, 'Accounts'), ...problems(400) },
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
