import { ApiError, clientIpResolver, Throttle, type ThrottlePolicy } from '@mp/platform';
import type { Context } from 'hono';
import { type AuthConfig, type AuthDeps, kekOf } from './config.ts';
import { KeyRing } from './domain/keys.ts';
import { OidcClients, providersFrom } from './domain/oidc.ts';
import { keyedHash } from './domain/sealing.ts';
import type { TokenSettings } from './domain/tokens.ts';

/** What auth's routes and handlers share, built once per service instance. */
export interface AuthContext {
  deps: AuthDeps;
  kek: Buffer;
  ring: KeyRing;
  settings: TokenSettings;
  throttle: Throttle;
  oidc: OidcClients;
  policies: { account: ThrottlePolicy; ip: ThrottlePolicy };
  /** Throttle keys of a sign-in attempt: the account (by a keyed hash of its email) and the client address. */
  loginKeys(email: string, ip: string | undefined): { key: string; policy: ThrottlePolicy }[];
  /** The client's address, by the trusted-proxy list (TRUSTED_PROXIES). */
  clientIp(c: Context): string | undefined;
  /** Throttle key of second-factor attempts of a known account. */
  userKey(userId: string): { key: string; policy: ThrottlePolicy };
}

export const settingsOf = (c: AuthConfig): TokenSettings => ({
  issuer: c.JWT_ISSUER,
  audience: c.JWT_AUDIENCE,
  accessTtlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
  refreshTtlSeconds: c.REFRESH_TOKEN_TTL_SECONDS,
  maxSessionSeconds: c.SESSION_MAX_LIFETIME_SECONDS,
});

/** Builds auth's context; the kit calls it once per service (the definition's `context`). */
export function authContext(deps: AuthDeps): AuthContext {
  const c = deps.config;
  const kek = kekOf(c);
  const base = {
    windowMs: c.LOGIN_WINDOW_SECONDS * 1000,
    delayMs: c.LOGIN_DELAY_MS,
    maxDelayMs: c.LOGIN_MAX_DELAY_MS,
    lockoutMs: c.LOGIN_LOCKOUT_SECONDS * 1000,
  };
  if (
    c.LOGIN_ACCOUNT_BLOCK_AFTER < c.LOGIN_ACCOUNT_SLOW_AFTER ||
    c.LOGIN_IP_BLOCK_AFTER < c.LOGIN_IP_SLOW_AFTER
  )
    throw new ApiError(500, 'CONFIG', 'LOGIN_*_BLOCK_AFTER must not be below LOGIN_*_SLOW_AFTER');
  const policies = {
    account: { ...base, slowAfter: c.LOGIN_ACCOUNT_SLOW_AFTER, blockAfter: c.LOGIN_ACCOUNT_BLOCK_AFTER },
    ip: { ...base, slowAfter: c.LOGIN_IP_SLOW_AFTER, blockAfter: c.LOGIN_IP_BLOCK_AFTER },
  };
  return {
    deps,
    kek,
    // Retired keys stay published well past the longest access token they signed.
    ring: new KeyRing(
      deps.db,
      kek,
      c.SIGNING_KEY_ROTATION_DAYS * 86_400_000,
      c.ACCESS_TOKEN_TTL_SECONDS * 2000 + 3_600_000,
    ),
    settings: settingsOf(c),
    throttle: new Throttle(deps.dapr, deps.log),
    oidc: new OidcClients(providersFrom(c), Boolean(c.LOCAL_DEV) || c.ENVIRONMENT === 'test', deps.log),
    policies,
    loginKeys: (email, ip) => [
      { key: `login:acct:${keyedHash(kek, 'email', email.trim().toLowerCase())}`, policy: policies.account },
      ...(ip ? [{ key: `login:ip:${ip}`, policy: policies.ip }] : []),
    ],
    clientIp: clientIpResolver(c.TRUSTED_PROXIES),
    userKey: (userId) => ({ key: `login:user:${userId}`, policy: policies.account }),
  };
}
