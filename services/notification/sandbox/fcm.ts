import { createPublicKey, randomBytes } from 'node:crypto';
import { type App, jsonb, type Kysely, sql } from '@mp/platform';
import { jwtVerify } from 'jose';
import { FCM_SANDBOX_BASE } from '../src/config.ts';
import { FCM_SCOPE, type ServiceAccount } from '../src/push/service-account.ts';

interface Received {
  id: string;
  token: string;
  project_id: string;
  message: unknown;
  /** 200, or the error status the sandbox answered (a trigger). */
  status: number;
  error_code: string | null;
  received_at: Date;
}

const ready = new WeakMap<object, Promise<void>>();
function received(db: Kysely<unknown>): Promise<Kysely<{ fcm_sandbox_messages: Received }>> {
  let p = ready.get(db);
  if (!p) {
    p = sql`create table if not exists fcm_sandbox_messages (
      id text primary key, token text not null, project_id text not null, message jsonb not null,
      status integer not null, error_code text, received_at timestamptz not null default now());
      create index if not exists fcm_sandbox_messages_token on fcm_sandbox_messages (token, received_at)`
      .execute(db)
      .then(() => undefined);
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p.then(() => db as Kysely<{ fcm_sandbox_messages: Received }>);
}

/** google.rpc.Status as FCM answers it, with the FcmError detail. */
const googleError = (code: number, status: string, message: string, fcmCode?: string) => ({
  error: {
    code,
    message,
    status,
    ...(fcmCode
      ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: fcmCode }] }
      : {}),
  },
});

/**
 * What a device token makes the sandbox answer (deterministic failure triggers, docs/notification.md):
 * `unregistered-…` 404 UNREGISTERED, `invalid-…` 400 INVALID_ARGUMENT, `unavailable-…` 503
 * UNAVAILABLE, `internal-…` 500 INTERNAL, `sender-…` 403 SENDER_ID_MISMATCH; `flaky-…` 503 on its
 * first message only, `quota-…` 429 QUOTA_EXCEEDED (Retry-After: 1) on its first message only.
 */
function trigger(token: string, earlier: number) {
  if (token.startsWith('unregistered-'))
    return {
      status: 404,
      body: googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED'),
    };
  if (token.startsWith('invalid-'))
    return {
      status: 400,
      body: googleError(
        400,
        'INVALID_ARGUMENT',
        'The registration token is not a valid FCM registration token',
        'INVALID_ARGUMENT',
      ),
    };
  if (token.startsWith('unavailable-') || (token.startsWith('flaky-') && earlier === 0))
    return {
      status: 503,
      body: googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE'),
    };
  if (token.startsWith('internal-'))
    return { status: 500, body: googleError(500, 'INTERNAL', 'Internal error encountered.', 'INTERNAL') };
  if (token.startsWith('sender-'))
    return {
      status: 403,
      body: googleError(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH'),
    };
  if (token.startsWith('quota-') && earlier === 0)
    return {
      status: 429,
      body: googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for this device.', 'QUOTA_EXCEEDED'),
      retryAfter: '1',
    };
  return undefined;
}

/**
 * An FCM sandbox speaking HTTP v1 (local profiles and tests only): the OAuth token endpoint (the
 * JWT bearer grant, its RS256 signature checked against the service account's public key) and
 * `POST /v1/projects/{projectId}/messages:send` (the bearer token checked). It keeps what it received;
 * `GET /sandbox/fcm/messages?token=…` lists it, newest first.
 */
export function fcmSandbox(app: App, anyDb: Kysely<unknown>, sa: ServiceAccount) {
  const publicKey = createPublicKey(sa.private_key);
  const tokens = new Map<string, number>();
  const tokenUrl = `${FCM_SANDBOX_BASE}/token`;

  app.post(tokenUrl, async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (
      form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
      typeof form.assertion !== 'string'
    )
      return c.json({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' }, 400);
    try {
      const { payload } = await jwtVerify(form.assertion, publicKey, {
        algorithms: ['RS256'],
        issuer: sa.client_email,
        audience: sa.token_uri,
        maxTokenAge: '1h',
      });
      if (
        !String(payload.scope ?? '')
          .split(' ')
          .includes(FCM_SCOPE)
      )
        return c.json({ error: 'invalid_scope', error_description: `scope must include ${FCM_SCOPE}` }, 400);
    } catch (err) {
      return c.json(
        { error: 'invalid_grant', error_description: `Invalid JWT: ${(err as Error).message}` },
        400,
      );
    }
    const accessToken = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, Date.now() + 3600_000);
    return c.json({ access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
  });

  app.post(`${FCM_SANDBOX_BASE}/v1/projects/:projectId/:method`, async (c) => {
    if (c.req.param('method') !== 'messages:send')
      return c.json(googleError(404, 'NOT_FOUND', 'Method not found.'), 404);
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const expiresAt = bearer ? tokens.get(bearer) : undefined;
    if (!expiresAt || expiresAt < Date.now())
      return c.json(
        googleError(
          401,
          'UNAUTHENTICATED',
          'Request had invalid authentication credentials. Expected OAuth 2 access token.',
        ),
        401,
      );
    const projectId = c.req.param('projectId');
    if (projectId !== sa.project_id)
      return c.json(googleError(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH'), 403);
    const body = (await c.req.json().catch(() => ({}))) as { message?: Record<string, unknown> };
    const m = body.message;
    const bad = (field: string, why: string) =>
      c.json(
        {
          error: {
            ...googleError(400, 'INVALID_ARGUMENT', `Invalid value at '${field}': ${why}`).error,
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.BadRequest',
                fieldViolations: [{ field, description: why }],
              },
            ],
          },
        },
        400,
      );
    if (!m || typeof m !== 'object') return bad('message', 'required');
    if (typeof m.token !== 'string' || !m.token)
      return bad('message.token', 'a registration token is required');
    const data = (m.data ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(data))
      if (typeof v !== 'string') return bad(`message.data[${k}]`, 'TYPE_STRING');
    const db = await received(anyDb);
    const earlier = await db
      .selectFrom('fcm_sandbox_messages')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('token', '=', m.token)
      .executeTakeFirstOrThrow();
    const fail = trigger(m.token, Number(earlier.n));
    const id = `0:${Date.now()}%${randomBytes(8).toString('hex')}`;
    await db
      .insertInto('fcm_sandbox_messages')
      .values({
        id,
        token: m.token,
        project_id: projectId,
        message: jsonb(m),
        status: fail?.status ?? 200,
        error_code: fail
          ? ((fail.body.error.details?.[0]?.errorCode as string | undefined) ?? fail.body.error.status)
          : null,
        received_at: new Date(),
      })
      .execute();
    if (fail) {
      if (fail.retryAfter) c.header('retry-after', fail.retryAfter);
      return c.json(fail.body, fail.status as 400);
    }
    return c.json({ name: `projects/${projectId}/messages/${id}` });
  });

  app.get(`${FCM_SANDBOX_BASE}/messages`, async (c) => {
    const token = c.req.query('token');
    const db = await received(anyDb);
    let q = db.selectFrom('fcm_sandbox_messages').selectAll().orderBy('received_at', 'desc').limit(100);
    if (token) q = q.where('token', '=', token);
    const rows = await q.execute();
    return c.json({
      items: rows.map((r) => ({
        name: `projects/${r.project_id}/messages/${r.id}`,
        token: r.token,
        message: r.message,
        status: r.status,
        errorCode: r.error_code,
        receivedAt: r.received_at.toISOString(),
      })),
    });
  });
}
