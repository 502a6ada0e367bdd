import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { ApiError, forbidden, unauthorized } from './errors.ts';
import type { Logger } from './logger.ts';
import { markMiddleware, type Role } from './marks.ts';

export type { Role } from './marks.ts';

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

/** How long a verified token's signature and claims are trusted without checking them again. */
export interface VerifiedTokenCache {
  /** At most this long (and never past the token's `exp`). */
  maxAgeMs: number;
  /** Tokens kept at most; the oldest go first. */
  maxEntries: number;
}

/**
 * Verifies access tokens locally against auth's JWKS: signature (ES256 only, so `alg: none`, HMAC
 * confusion and any other algorithm are refused), `typ` at+jwt, issuer, audience, expiry. Unknown
 * `kid`s refetch the key set.
 *
 * With `cache`, a token that verified is remembered by its exact text for `maxAgeMs` (never past
 * its `exp`), so a buyer's next requests skip the signature check, the largest cost of a request
 * in a burst (docs/benchmarks.md). The same bytes verify the same way, and a remote key set is
 * itself trusted for minutes (`remoteJwks`), so this changes no answer; the revoked-session check
 * still runs on every request. Only tokens that verified are kept: forged ones are never stored.
 * Requests that arrive together with the same token (a page's parallel calls, a burst) share one
 * check.
 */
export function createTokenVerifier(opts: {
  jwks: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Optional extra check, e.g. a revoked-session list kept by auth. */
  isRevoked?: (p: Principal) => Promise<boolean>;
  cache?: VerifiedTokenCache;
}): TokenVerifier {
  const verified = new Map<string, { principal: Principal; until: number }>();
  // With the cache, requests that arrive at once with the same token share one check.
  const checking = new Map<string, Promise<Principal>>();
  const check = async (token: string): Promise<Principal> => {
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
    const { cache } = opts;
    if (cache) {
      // jose refuses a token once its `exp` (seconds) is not after now: the same instant in ms.
      const until = Math.min((payload.exp as number) * 1000, Date.now() + cache.maxAgeMs);
      if (verified.size >= cache.maxEntries) verified.delete(verified.keys().next().value as string);
      verified.set(token, { principal, until });
    }
    return principal;
  };
  return {
    async verify(token) {
      try {
        const known = verified.get(token);
        let principal: Principal;
        if (known && known.until > Date.now()) principal = { ...known.principal };
        else {
          if (known) verified.delete(token);
          let shared = checking.get(token);
          if (!shared) {
            shared = check(token);
            if (opts.cache) {
              checking.set(token, shared);
              const done = () => checking.delete(token);
              shared.then(done, done);
            }
          }
          principal = { ...(await shared) };
        }
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

/** A revoked-session check that also says how often fetching the list failed. */
export interface RevocationCheck {
  (p: Principal): Promise<boolean>;
  /** Fetches of the list that failed since the process started. */
  failures(): number;
}

/**
 * Sessions that auth has ended while their access tokens may still be unexpired (logout, a
 * revoked session, a spent refresh token, a suspended account): auth lists them at
 * `GET /internal/sessions/revoked` as `{sessionIds}`. The list is fetched through our sidecar and
 * reused for `maxAgeMs`, so a revoked session's tokens stop working everywhere within that time.
 *
 * It fails closed: a failed fetch is logged with its reason and counted, and retried a second
 * later; while the last list is younger than `staleAfterMs` it still decides, after that every
 * token is refused with 503 SESSIONS_UNVERIFIABLE (the caller did nothing wrong and may retry; a
 * 401 would make every client drop its session during an outage of auth).
 */
export function remoteRevocations(
  url: string,
  headers: Record<string, string> = {},
  opts: {
    maxAgeMs: number;
    staleAfterMs?: number;
    timeoutMs?: number;
    fetch?: typeof fetch;
    log?: Pick<Logger, 'warn' | 'error' | 'info'>;
  } = { maxAgeMs: 5000 },
): RevocationCheck {
  const get = opts.fetch ?? fetch;
  const staleAfterMs = Math.max(opts.staleAfterMs ?? 30_000, opts.maxAgeMs);
  let revoked = new Set<string>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let retryAt = 0;
  let failures = 0;
  let failing = false;
  let inflight: Promise<void> | undefined;
  const refresh = async () => {
    try {
      const res = await get(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 2000) });
      if (!res.ok) throw new Error(`status ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const body = (await res.json()) as { sessionIds?: unknown };
      if (!Array.isArray(body.sessionIds)) throw new Error('the answer has no sessionIds');
      revoked = new Set(body.sessionIds.map(String));
      fetchedAt = Date.now();
      if (failing) opts.log?.info({ failures }, 'the revoked-session list is fetched again');
      failing = false;
    } catch (err) {
      failures++;
      failing = true;
      retryAt = Date.now() + 1000;
      const ageMs = Date.now() - fetchedAt;
      opts.log?.[ageMs > staleAfterMs ? 'error' : 'warn'](
        {
          reason: err instanceof Error ? err.message : String(err),
          failures,
          listAgeMs: Number.isFinite(ageMs) ? ageMs : null,
        },
        ageMs > staleAfterMs
          ? 'the revoked-session list could not be fetched and is too old: access tokens are refused'
          : 'the revoked-session list could not be fetched; the last one stays in force for now',
      );
    }
  };
  const check = async (p: Principal) => {
    if (!p.sessionId) return false;
    const now = Date.now();
    if (now - fetchedAt >= opts.maxAgeMs && now >= retryAt) {
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      await inflight;
    }
    if (Date.now() - fetchedAt > staleAfterMs)
      throw new ApiError(
        503,
        'SESSIONS_UNVERIFIABLE',
        'Sessions cannot be checked right now; try again shortly',
        {},
        { 'Retry-After': '5' },
      );
    return revoked.has(p.sessionId);
  };
  return Object.assign(check, { failures: () => failures });
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
  const guard = createMiddleware<AuthEnv>(async (c, next) => {
    const p = c.get('principal');
    if (!p) throw unauthorized();
    if (roles.length && !roles.includes(p.role)) {
      throw forbidden('ROLE_FORBIDDEN', `This needs the role ${roles.join(' or ')}`);
    }
    await next();
  });
  // The API document reads the route's security from here (openapi.ts).
  return markMiddleware(guard, { roles });
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
