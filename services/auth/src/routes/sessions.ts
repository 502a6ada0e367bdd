import {
  type App,
  createRoute,
  jsonResponse,
  notFound,
  pageOf,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { forgetSessions, liveSessions, revokeSessions } from '../domain/sessions.ts';

const session = z
  .object({
    id: z.string(),
    method: z.enum(['password', 'oidc']),
    provider: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    /** The session of the token that asked. */
    current: z.boolean(),
  })
  .openapi('Session');

const list = createRoute({
  method: 'get',
  path: '/api/v1/auth/sessions',
  summary: 'My live sessions (devices signed in), newest first',
  middleware: [requireRole()] as const,
  responses: { 200: jsonResponse(pageOf(session), 'Sessions'), ...problems(401) },
});

const revoke = createRoute({
  method: 'delete',
  path: '/api/v1/auth/sessions/{id}',
  summary: 'End one of my sessions; its tokens stop working',
  middleware: [requireRole()] as const,
  request: { params: z.object({ id: z.string().max(64) }) },
  responses: { 204: { description: 'Ended' }, ...problems(401, 404) },
});

export function sessionRoutes(app: App, { deps }: AuthContext) {
  app.openapi(list, async (c) => {
    const { userId, sessionId } = principalOf(c);
    const items = (await liveSessions(deps, userId)).map((s) => ({ ...s, current: s.id === sessionId }));
    return c.json({ items, nextCursor: null }, 200);
  });

  app.openapi(revoke, async (c) => {
    const { userId } = principalOf(c);
    const { id } = c.req.valid('param');
    const ended = await deps.db
      .transaction()
      .execute((trx) => revokeSessions(trx, deps.events, { sessionIds: [id] }, 'revoked', userId));
    // Another user's session, an ended one and a made-up id look the same.
    if (!ended.length) throw notFound('SESSION_NOT_FOUND', 'No such live session');
    await forgetSessions(deps.dapr, deps.log, ended);
    return c.body(null, 204);
  });
}
