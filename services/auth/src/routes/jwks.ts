import { type App, createRoute, jsonResponse, z } from '@mp/platform';
import type { KeyRing } from '../domain/keys.ts';

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  summary: 'The public keys that verify access tokens',
  responses: {
    200: jsonResponse(z.object({ keys: z.array(z.record(z.string(), z.unknown())) }), 'JSON Web Key Set'),
  },
});

export function jwksRoutes(app: App, ring: KeyRing) {
  app.openapi(jwks, async (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(await ring.jwks(), 200);
  });
}
