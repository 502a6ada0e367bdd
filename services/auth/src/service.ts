import { baseConfigSchema, createTokenVerifier, type ServiceDefinition, z } from '@mp/platform';
import { createLocalJWKSet } from 'jose';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { KeyRing } from './domain/keys.ts';
import type { TokenSettings } from './domain/tokens.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

const config = baseConfigSchema.extend({
  /** 32 bytes, base64: seals the signing keys at rest. From a secret on a cluster. */
  AUTH_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .default(14 * 86_400),
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().min(1).default(30),
});

const rings = new WeakMap<object, KeyRing>();
const settingsOf = (c: z.infer<typeof config>): TokenSettings => ({
  issuer: c.JWT_ISSUER,
  audience: c.JWT_AUDIENCE,
  accessTtlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
  refreshTtlSeconds: c.REFRESH_TOKEN_TTL_SECONDS,
});

/** One key ring per built service (its database and settings). */
function ringOf(deps: { db: object; config: z.infer<typeof config> }): KeyRing {
  let ring = rings.get(deps.db);
  if (!ring) {
    const c = deps.config;
    ring = new KeyRing(
      deps.db as never,
      Buffer.from(c.AUTH_KEY_ENCRYPTION_KEY, 'base64'),
      c.SIGNING_KEY_ROTATION_DAYS * 86_400_000,
      // Retired keys stay published well past the longest access token they signed.
      c.ACCESS_TOKEN_TTL_SECONDS * 2000 + 3_600_000,
    );
    rings.set(deps.db, ring);
  }
  return ring;
}

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'auth',
  description: '인증: login, tokens, sessions, 2FA, password reset, social login',
  config,
  migrations,
  routes: (app, deps) => routes(app, deps, ringOf(deps), settingsOf(deps.config)),
  handlers,
  // auth verifies access tokens with its own key ring rather than through a sidecar.
  verifier: (deps) =>
    createTokenVerifier({
      jwks: async (header, token) => createLocalJWKSet(await ringOf(deps).jwks())(header, token),
      issuer: deps.config.JWT_ISSUER,
      audience: deps.config.JWT_AUDIENCE,
    }),
};
