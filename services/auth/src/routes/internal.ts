import { openToken } from '@mp/contracts';
import { type App, createRoute, jsonResponse, notFound, problems, z } from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { openVerificationToken } from '../domain/email-verification.ts';
import { openResetToken } from '../domain/password-reset.ts';
import { recentlyRevoked } from '../domain/sessions.ts';

const revoked = createRoute({
  method: 'get',
  path: '/internal/sessions/revoked',
  summary: 'Sessions ended while their access tokens may still be unexpired (every verifier consults this)',
  responses: {
    200: jsonResponse(
      z.object({ sessionIds: z.array(z.string()), windowSeconds: z.int() }),
      'Revoked sessions',
    ),
  },
});

const resetToken = createRoute({
  method: 'get',
  path: '/internal/password-resets/{resetId}',
  summary: 'The token of an open password reset, for notification to mail (it never travels in the event)',
  request: { params: z.object({ resetId: z.string().min(1).max(100) }) },
  responses: {
    200: jsonResponse(openToken, 'The open reset'),
    ...problems(404),
  },
});

const verificationToken = createRoute({
  method: 'get',
  path: '/internal/email-verifications/{verificationId}',
  summary: 'The token of an open email verification, for notification to mail (never in the event)',
  request: { params: z.object({ verificationId: z.string().min(1).max(100) }) },
  responses: {
    200: jsonResponse(openToken, 'The open verification'),
    ...problems(404),
  },
});

/** Routes other services reach through Dapr. */
export function internalRoutes(app: App, { deps, kek }: AuthContext) {
  // An access token lives ACCESS_TOKEN_TTL_SECONDS; a minute more covers clock skew.
  const windowSeconds = deps.config.ACCESS_TOKEN_TTL_SECONDS + 60;
  app.openapi(revoked, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ sessionIds: await recentlyRevoked(deps, windowSeconds), windowSeconds }, 200);
  });

  app.openapi(resetToken, async (c) => {
    c.header('cache-control', 'no-store');
    const open = await openResetToken(deps, kek, c.req.valid('param').resetId);
    if (!open) throw notFound('RESET_NOT_OPEN', 'This reset was used, replaced or has expired');
    return c.json({ token: open.token, expiresAt: open.expiresAt.toISOString() }, 200);
  });

  app.openapi(verificationToken, async (c) => {
    c.header('cache-control', 'no-store');
    const open = await openVerificationToken(deps, kek, c.req.valid('param').verificationId);
    if (!open) throw notFound('VERIFICATION_NOT_OPEN', 'This verification was used, replaced or has expired');
    return c.json({ token: open.token, expiresAt: open.expiresAt.toISOString() }, 200);
  });
}
