import { importPKCS8, SignJWT } from 'jose';
import { FCM_SCOPE, type ServiceAccount } from './service-account.ts';

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * What became of a push, as the dispatcher acts on it: `unregistered` (the token is dead: forget
 * the device, never retry), `retry` (FCM is busy or down: again later, not before `retryAfterMs`),
 * `failed` (anything else: a wrong project, a bad payload; retrying will not help).
 */
export class FcmError extends Error {
  readonly kind: 'unregistered' | 'retry' | 'failed';
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  constructor(kind: FcmError['kind'], code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'FcmError';
    this.kind = kind;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface Push {
  title: string;
  body: string;
  /** FCM data values must be strings. */
  data?: Record<string, string>;
}

export interface FcmOptions {
  serviceAccount: ServiceAccount;
  /** https://fcm.googleapis.com, or the sandbox (…/sandbox/fcm) locally. */
  baseUrl: string;
  timeoutMs: number;
  fetch?: Fetch;
  /** A cached access token is renewed this long before it expires. */
  renewBeforeMs?: number;
  now?: () => number;
}

interface GoogleError {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { '@type'?: string; errorCode?: string; fieldViolations?: { field?: string }[] }[];
  };
}

/** Retry-After as seconds or an HTTP date, in ms (capped at 10 minutes). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), 600_000) : undefined;
}

/** Maps an FCM HTTP v1 error answer (google.rpc.Status with an FcmError detail) to what to do. */
export function fcmErrorOf(status: number, body: GoogleError, retryAfter: string | null): FcmError {
  const e = body.error ?? {};
  const details = e.details ?? [];
  const fcmCode = details.find((d) => d['@type']?.endsWith('google.firebase.fcm.v1.FcmError'))?.errorCode;
  const code = fcmCode ?? e.status ?? `HTTP_${status}`;
  const message = `FCM ${status} ${code}: ${e.message ?? 'no message'}`;
  const violations = details.flatMap((d) => d.fieldViolations ?? []).map((v) => v.field ?? '');
  if (code === 'UNREGISTERED') return new FcmError('unregistered', code, message);
  // INVALID_ARGUMENT is about the token unless FCM names another field (a bad payload is ours to fix).
  if (code === 'INVALID_ARGUMENT')
    return violations.some((f) => f && f !== 'message.token')
      ? new FcmError('failed', code, message)
      : new FcmError('unregistered', code, message);
  if (
    status === 429 ||
    status >= 500 ||
    ['UNAVAILABLE', 'INTERNAL', 'QUOTA_EXCEEDED', 'RESOURCE_EXHAUSTED'].includes(code)
  )
    return new FcmError('retry', code, message, retryAfterMs(retryAfter));
  return new FcmError('failed', code, message);
}

/**
 * A client of FCM's HTTP v1 API: an OAuth2 access token from the service account (JWT bearer
 * grant, RS256, RFC 7523) cached until shortly before it expires, and
 * `POST /v1/projects/{projectId}/messages:send`. A 401 drops the cached token and tries once more.
 */
export function fcmClient(o: FcmOptions) {
  const doFetch: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  const now = o.now ?? Date.now;
  const sa = o.serviceAccount;
  const renewBefore = o.renewBeforeMs ?? 60_000;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let key: ReturnType<typeof importPKCS8> | undefined;
  const stats = { tokenRequests: 0 };

  async function requestToken(): Promise<string> {
    key ??= importPKCS8(sa.private_key, 'RS256');
    // The JWT carries the wall clock (Google checks it); `now` only decides when the cache is stale.
    const iat = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: sa.private_key_id })
      .setIssuer(sa.client_email)
      .setSubject(sa.client_email)
      .setAudience(sa.token_uri)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(await key);
    stats.tokenRequests++;
    let res: Response;
    try {
      res = await doFetch(sa.token_uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      throw new FcmError(
        'retry',
        'TOKEN_NO_ANSWER',
        `no answer from ${sa.token_uri}: ${(err as Error).message}`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!res.ok || !json.access_token) {
      const kind = res.status >= 500 || res.status === 429 ? 'retry' : 'failed';
      throw new FcmError(
        kind,
        'TOKEN_REFUSED',
        `the token endpoint answered ${res.status} ${json.error ?? ''} ${json.error_description ?? ''}`.trim(),
        retryAfterMs(res.headers.get('retry-after')),
      );
    }
    cached = { token: json.access_token, expiresAt: now() + (json.expires_in ?? 3600) * 1000 };
    return json.access_token;
  }

  /** The cached token while it has more than `renewBeforeMs` left; one request at a time for a new one. */
  async function accessToken(): Promise<string> {
    if (cached && cached.expiresAt - renewBefore > now()) return cached.token;
    pending ??= requestToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function sendOnce(token: string, push: Push): Promise<Response> {
    const bearer = await accessToken();
    try {
      return await doFetch(`${o.baseUrl}/v1/projects/${encodeURIComponent(sa.project_id)}/messages:send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          message: {
            token,
            notification: { title: push.title, body: push.body },
            ...(push.data ? { data: push.data } : {}),
          },
        }),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      throw new FcmError('retry', 'NO_ANSWER', `no answer from FCM: ${(err as Error).message}`);
    }
  }

  return {
    stats,
    accessToken,
    /** Sends one push to one device; answers FCM's message name (projects/…/messages/…). */
    async send(token: string, push: Push): Promise<string> {
      let res = await sendOnce(token, push);
      if (res.status === 401) {
        cached = undefined;
        res = await sendOnce(token, push);
      }
      const json = (await res.json().catch(() => ({}))) as GoogleError & { name?: string };
      if (res.ok && json.name) return json.name;
      throw fcmErrorOf(res.status, json, res.headers.get('retry-after'));
    },
  };
}
export type FcmClient = ReturnType<typeof fcmClient>;
