import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { apiReference, createTokenVerifier, type ServiceDefinition } from '@mp/platform';
import { createLocalJWKSet } from 'jose';
import { config } from './config.ts';
import { type AuthContext, authContext } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const service: ServiceDefinition<Database, typeof config, AuthContext> = {
  name: 'auth',
  description: '인증: login, tokens, sessions, 2FA, password reset, social login',
  config,
  migrations,
  context: authContext,
  routes: (app, ctx) => {
    routes(app, ctx);
    // auth hosts the public API reference (/api/openapi.json, /api/docs, /api/errors).
    apiReference(app, { swaggerUiDir: swaggerUi });
  },
  internal: internalRoutes,
  handlers,
  // auth verifies access tokens with its own key ring and its own session ledger (no sidecar hop).
  verifier: ({ deps, ring }) =>
    createTokenVerifier({
      jwks: async (header, token) => createLocalJWKSet(await ring.jwks())(header, token),
      issuer: deps.config.JWT_ISSUER,
      audience: deps.config.JWT_AUDIENCE,
      isRevoked: async (p) =>
        Boolean(
          p.sessionId &&
            (await deps.db
              .selectFrom('sessions')
              .select('session_id')
              .where('session_id', '=', p.sessionId)
              .where('revoked_at', 'is not', null)
              .executeTakeFirst()),
        ),
    }),
};
