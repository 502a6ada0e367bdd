import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { accountById } from '../domain/accounts.ts';
import { refreshSession } from '../domain/refresh.ts';
import { forgetSessions, revokeSessions } from '../domain/sessions.ts';
import { pairOf, tokenPair } from './schemas.ts';

const refresh = createRoute({
  method: 'post',
  path: '/api/v1/auth/refresh',
  summary: 'Exchange a refresh token for a new pair; the old one is spent',
  description: 'Presenting a spent refresh token ends the whole session (401 REFRESH_TOKEN_REUSED).',
  request: { body: jsonBody(z.object({ refreshToken: z.string().min(1).max(200) })) },
  responses: { 200: jsonResponse(tokenPair, 'A new pair in the same session'), ...problems(400, 401, 503) },
});

const logout = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout',
  summary: 'Sign out: this session ends and its tokens stop working',
  middleware: [requireRole()] as const,
  responses: { 204: { description: 'Signed out' }, ...problems(401) },
});

export function tokenRoutes(app: App, ctx: AuthContext) {
  const { deps, ring, settings } = ctx;
  app.openapi(refresh, async (c) => {
    const pair = await refreshSession(deps, ring, settings, c.req.valid('json').refreshToken, (userId) =>
      accountById(deps.dapr, userId),
    );
    return c.json(pairOf(pair), 200);
  });

  app.openapi(logout, async (c) => {
    const { userId, sessionId } = principalOf(c);
    const ended = await deps.db
      .transaction()
      .execute((trx) => revokeSessions(trx, deps.events, { sessionIds: [sessionId] }, 'logout', userId));
    await forgetSessions(deps.dapr, deps.log, ended);
    return c.body(null, 204);
  });
}
