import {
  type App,
  createRoute,
  forbidden,
  jsonBody,
  jsonResponse,
  newId,
  problems,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { KeyRing } from '../domain/keys.ts';
import { saveSession } from '../domain/sessions.ts';
import { issueAccessToken, newRefreshToken, type TokenSettings } from '../domain/tokens.ts';

export const tokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.int(),
    tokenType: z.literal('Bearer'),
  })
  .openapi('TokenPair');

const login = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  summary: 'Sign in with email and password',
  request: {
    body: jsonBody(
      z.object({
        email: z.string().max(254),
        password: z.string().min(1).max(128),
        otp: z.string().max(16).optional(),
      }),
    ),
  },
  responses: { 200: jsonResponse(tokenPair, 'Tokens for a new session'), ...problems(400, 401, 403, 429) },
});

interface Credentials {
  userId: string;
  role: 'buyer' | 'seller' | 'admin';
  status: string;
}

export function loginRoutes(app: App, deps: ServiceDeps<Database>, ring: KeyRing, settings: TokenSettings) {
  const { db, dapr, events } = deps;
  app.openapi(login, async (c) => {
    const { email, password } = c.req.valid('json');
    // The seed: auth asks user (through Dapr) whether the credentials are right.
    const who = await dapr.invoke<Credentials>('user', '/internal/credentials/verify', {
      body: { email, password },
    });
    if (who.status !== 'ACTIVE') throw forbidden('ACCOUNT_SUSPENDED', 'This account is suspended');

    const sessionId = newId();
    const now = new Date();
    const refresh = newRefreshToken();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: refresh.hash,
          session_id: sessionId,
          user_id: who.userId,
          used_at: null,
          expires_at: new Date(now.getTime() + settings.refreshTtlSeconds * 1000),
        })
        .execute();
      await events.publish(
        trx,
        'auth.user.login',
        {
          userId: who.userId,
          sessionId,
          method: 'password',
          ip: c.req.header('x-real-ip') ?? undefined,
          loggedInAt: now.toISOString(),
        },
        { userId: who.userId },
      );
    });
    await saveSession(
      dapr,
      {
        sessionId,
        userId: who.userId,
        role: who.role,
        method: 'password',
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        ...(c.req.header('x-real-ip') ? { ip: c.req.header('x-real-ip') } : {}),
        ...(c.req.header('user-agent') ? { userAgent: c.req.header('user-agent') } : {}),
      },
      settings.refreshTtlSeconds,
    );
    const accessToken = await issueAccessToken(ring, settings, {
      userId: who.userId,
      role: who.role,
      sessionId,
    });
    return c.json(
      {
        accessToken,
        refreshToken: refresh.token,
        expiresIn: settings.accessTtlSeconds,
        tokenType: 'Bearer' as const,
      },
      200,
    );
  });
}
