import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { forbidden, unauthorized } from './errors.ts';

export type Role = 'buyer' | 'seller' | 'admin';

/** Who is calling, from a verified access token. */
export interface Principal {
  userId: string;
  role: Role;
  sessionId: string;
  /** When the person last signed in (the token's `auth_time`, seconds): recent sign-ins re-authenticate. */
  authTime?: number;
}

export interface AuthEnv {
  Variables: { principal?: Principal };
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** What auth signs access tokens with, and only that. */
export const ACCESS_TOKEN_ALGORITHMS = ['ES256'];
/** The JOSE `typ` of auth's access tokens (RFC 9068), so no other JWT signed by its keys passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Verifies access tokens locally against auth's JWKS: signature (ES256 only, so `alg: none`, HMAC
 * confusion and any other algorithm are refused), `typ` at+jwt, issuer, audience, expiry. Unknown
 * `kid`s refetch the key set.
 */
export function createTokenVerifier(opts: {
  jwks: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Optional extra check, e.g. a revoked-session list kept by auth. */
  isRevoked?: (p: Principal) => Promise<boolean>;
}): TokenVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, opts.jwks, {
          issuer: opts.issuer,
          audience: opts.audience,
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const role = payload.role;
        if (typeof payload.sub !== 'string' || (role !== 'buyer' && role !== 'seller' && role !== 'admin')) {
          throw unauthorized('TOKEN_INVALID', 'The access token lacks a subject or role');
        }
        const principal: Principal = {
          userId: payload.sub,
          role,
          sessionId: String(payload.sid ?? ''),
          ...(typeof payload.auth_time === 'number' ? { authTime: payload.auth_time } : {}),
        };
        if (opts.isRevoked && (await opts.isRevoked(principal))) {
          throw unauthorized('SESSION_REVOKED', 'This session has ended');
        }
        return principal;
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired)
          throw unauthorized('TOKEN_EXPIRED', 'The access token has expired');
        if (err instanceof joseErrors.JOSEError)
          throw unauthorized('TOKEN_INVALID', 'The access token is not valid');
        throw err;
      }
    },
  };
}

/** auth's JWKS over HTTP (through our sidecar by default), cached and refetched on an unknown `kid`. */
export function remoteJwks(url: string, headers: Record<string, string> = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { headers, cooldownDuration: 10_000, cacheMaxAge: 10 * 60_000 });
}

/**
 * Sessions that auth has ended while their access tokens may still be unexpired (logout, a
 * revoked session, a spent refresh token, a suspended account): auth lists them at
 * `GET /internal/sessions/revoked` as `{sessionIds}`. The list is fetched through our sidecar and
 * reused for `maxAgeMs`, so a revoked session's tokens stop working everywhere within that time.
 * When auth cannot be reached the last list stays in force (tokens still expire on their own).
 */
export function remoteRevocations(
  url: string,
  headers: Record<string, string> = {},
  opts: { maxAgeMs: number; timeoutMs?: number; fetch?: typeof fetch } = { maxAgeMs: 5000 },
): (p: Principal) => Promise<boolean> {
  const get = opts.fetch ?? fetch;
  let revoked = new Set<string>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;
  const refresh = async () => {
    try {
      const res = await get(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 2000) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const body = (await res.json()) as { sessionIds?: unknown };
      if (!Array.isArray(body.sessionIds)) throw new Error('no sessionIds');
      revoked = new Set(body.sessionIds.map(String));
      fetchedAt = Date.now();
    } catch {
      // Keep the last list; ask again in a second rather than on every request.
      fetchedAt = Date.now() - opts.maxAgeMs + 1000;
    }
  };
  return async (p) => {
    if (!p.sessionId) return false;
    if (Date.now() - fetchedAt >= opts.maxAgeMs) {
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      await inflight;
    }
    return revoked.has(p.sessionId);
  };
}

/**
 * Reads a bearer token when one is sent; a bad one is a 401, none leaves the caller anonymous.
 * `Basic` credentials are not ours: they also leave the caller anonymous, for the few routes that
 * check their own (a sandbox speaking a third party's API, which authenticates with Basic).
 * Under `/sandbox/` no credentials are ours: a sandbox speaking an OAuth API (FCM) gets bearer
 * tokens it issued itself, and checks them.
 */
export function authenticate(verifier: TokenVerifier): MiddlewareHandler<AuthEnv> {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (header && !/^basic /i.test(header) && !c.req.path.startsWith('/sandbox/')) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw unauthorized('TOKEN_INVALID', 'Use a Bearer token');
      c.set('principal', await verifier.verify(token));
    }
    await next();
  });
}

/** The route needs a signed-in caller, of one of the roles when roles are given. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const p = c.get('principal');
    if (!p) throw unauthorized();
    if (roles.length && !roles.includes(p.role)) {
      throw forbidden('ROLE_FORBIDDEN', `This needs the role ${roles.join(' or ')}`);
    }
    await next();
  });
}

/** The signed-in principal; for handlers behind `requireRole`. */
export function principalOf(c: { get(key: 'principal'): Principal | undefined }): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  return p;
}

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Internal routes (service invocation and event delivery) answer only our own Dapr sidecar,
 * which sends the app API token in `dapr-api-token`.
 */
export function requireAppToken(token: string): MiddlewareHandler {
  return createMiddleware(async (c, next) => {
    const sent = c.req.header('dapr-api-token');
    if (!sent || !safeEqual(sent, token)) {
      throw forbidden('INTERNAL_ONLY', 'This route is only reachable through Dapr');
    }
    await next();
  });
}
