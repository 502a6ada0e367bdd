import { type App, createRoute, jsonResponse, z } from '@mp/platform';
import type { AuthContext } from '../context.ts';
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

/** Routes other services reach through Dapr. */
export function internalRoutes(app: App, { deps }: AuthContext) {
  // An access token lives ACCESS_TOKEN_TTL_SECONDS; a minute more covers clock skew.
  const windowSeconds = deps.config.ACCESS_TOKEN_TTL_SECONDS + 60;
  app.openapi(revoked, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ sessionIds: await recentlyRevoked(deps, windowSeconds), windowSeconds }, 200);
  });
}
