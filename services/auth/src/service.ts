import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { apiReference, createTokenVerifier, type ServiceDefinition } from '@mp/platform';
import { createLocalJWKSet } from 'jose';
import { config } from './config.ts';
import { contextOf } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'auth',
  description: '인증: login, tokens, sessions, 2FA, password reset, social login',
  config,
  migrations,
  routes: (app, deps) => {
    routes(app, contextOf(deps));
    // auth hosts the public API reference (/api/openapi.json, /api/docs, /api/errors).
    apiReference(app, { swaggerUiDir: swaggerUi });
  },
  internal: (app, deps) => internalRoutes(app, contextOf(deps)),
  handlers: (deps) => handlers(contextOf(deps)),
  // auth verifies access tokens with its own key ring and its own session ledger (no sidecar hop).
  verifier: (deps) =>
    createTokenVerifier({
      jwks: async (header, token) =>
        createLocalJWKSet(await contextOf(deps as never).ring.jwks())(header, token),
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
