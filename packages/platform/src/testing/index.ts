/**
 * Test helpers: a service built on a throw-away PostgreSQL schema, called with `app.request()`
 * (no port), with access tokens signed by a test key that only these tests trust.
 */

import { randomBytes } from 'node:crypto';
import type { ServiceName } from '@mp/contracts';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type Kysely, sql } from 'kysely';
import { createTokenVerifier, type Role, type TokenVerifier } from '../auth.ts';
import { callThrough, checkListedCall, type Dapr, invokeMethod } from '../dapr.ts';
import { ApiError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { type BuildOverrides, buildService, type Service, type ServiceDefinition } from '../service.ts';

export const TEST_APP_TOKEN = 'test-app-token-0123456789abcdef';
const ISSUER = 'marketplace-auth';
const AUDIENCE = 'marketplace';

export const testDatabaseUrl = () =>
  process.env.TEST_DATABASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432/marketplace_test';

// ---- tokens -------------------------------------------------------------------------------------

const keyPair = await generateKeyPair('ES256');
const publicJwk: JWK = { ...(await exportJWK(keyPair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };

export const testVerifier: TokenVerifier = createTokenVerifier({
  jwks: createLocalJWKSet({ keys: [publicJwk] }),
  issuer: ISSUER,
  audience: AUDIENCE,
});

/** An access token the test verifier accepts. */
export async function tokenFor(
  userId: string,
  role: Role,
  opts: { sessionId?: string; expiresIn?: string | number; authTime?: number } = {},
): Promise<string> {
  return new SignJWT({
    role,
    sid: opts.sessionId ?? `s-${userId}`,
    auth_time: opts.authTime ?? Math.floor(Date.now() / 1000),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'at+jwt' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m')
    .sign(keyPair.privateKey);
}

// ---- Dapr in service tests -----------------------------------------------------------------------

/**
 * Service tests run without a sidecar: events stay in the outbox (assert on them there), and
 * calls to other services go to the handlers given here, keyed `appId path` (`inventory POST /internal/reservations`).
 * End-to-end tests run the real thing.
 */
export interface BindingCall {
  name: string;
  operation: string;
  data: unknown;
  metadata: Record<string, string>;
}

export function withoutSidecar(
  invoke: Record<string, (body: unknown, query?: Record<string, unknown>) => unknown> = {},
  /** Output bindings, keyed by name: throw to make the binding fail; absent ones succeed. */
  bindingDoubles: Record<string, (call: BindingCall) => unknown> = {},
  /** The app under test: its calls are checked against the list of synchronous calls, as in production. */
  caller?: ServiceName,
): Dapr & {
  calls: { appId: string; method: string; path: string; body: unknown }[];
  /** Every output binding invocation that succeeded, oldest first. */
  bindings: BindingCall[];
} {
  const calls: { appId: string; method: string; path: string; body: unknown }[] = [];
  const bindings: BindingCall[] = [];
  const state = new Map<string, { value: unknown; etag: number }>();
  const dapr: Omit<Dapr, 'call'> & Pick<ReturnType<typeof withoutSidecar>, 'calls' | 'bindings'> = {
    calls,
    bindings,
    async invokeBinding(name, operation, data, metadata = {}) {
      const call = { name, operation, data, metadata };
      await bindingDoubles[name]?.(call);
      bindings.push(call);
    },
    async invoke(appId, path, o = {}) {
      const method = invokeMethod(o);
      if (caller) checkListedCall(caller, appId, method, path);
      calls.push({ appId, method, path, body: o.body });
      const route = `${appId} ${method} ${path.split('?')[0]}`;
      const fn = invoke[route] ?? invoke[`${appId} ${path.split('?')[0]}`];
      if (!fn)
        throw new ApiError(
          503,
          'UPSTREAM_UNAVAILABLE',
          `${appId} could not be reached (no test double for ${route})`,
        );
      return (await fn(o.body, o.query)) as never;
    },
    async publishBulk() {
      throw new Error('no sidecar in service tests; events stay in the outbox');
    },
    async getState<T>(store: string, key: string) {
      const e = state.get(`${store}/${key}`);
      return { value: e?.value as T | undefined, etag: e ? String(e.etag) : undefined };
    },
    async getStates<T>(store: string, keys: string[]) {
      return new Map(
        keys.map((k) => {
          const e = state.get(`${store}/${k}`);
          return [k, { value: e?.value as T | undefined, etag: e ? String(e.etag) : undefined }];
        }),
      );
    },
    async saveState(store, key, value, o = {}) {
      const k = `${store}/${key}`;
      const e = state.get(k);
      if ((o.etag !== undefined && String(e?.etag) !== o.etag) || (o.ifAbsent && e)) {
        const { StateConflictError } = await import('../dapr.ts');
        throw new StateConflictError(`state ${key} changed`);
      }
      state.set(k, { value: structuredClone(value), etag: (e?.etag ?? 0) + 1 });
    },
    async saveStates(store, writes) {
      // All or nothing, as DynamoDB does (Redis may write the others: callers must not rely on either).
      const stale = writes.find((w) => String(state.get(`${store}/${w.key}`)?.etag) !== w.etag);
      if (stale) {
        const { StateConflictError } = await import('../dapr.ts');
        throw new StateConflictError(`state ${stale.key} changed`);
      }
      for (const w of writes) {
        const k = `${store}/${w.key}`;
        state.set(k, { value: structuredClone(w.value), etag: state.get(k)!.etag + 1 });
      }
    },
    async deleteState(store, key) {
      state.delete(`${store}/${key}`);
    },
    async healthy() {
      return true;
    },
    async stop() {},
  };
  return Object.assign(dapr, { call: callThrough(dapr) });
}

// ---- a service on a throw-away schema ------------------------------------------------------------

/** A service under test; `ctx` is its context (unknown unless the type names it). */
export interface TestService<DB, C, Ctx = unknown> extends Service<DB, C, Ctx> {
  schema: string;
  dapr: ReturnType<typeof withoutSidecar>;
  /** Calls a route; JSON in and out, with a bearer token when given. */
  call(
    method: string,
    path: string,
    opts?: {
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
      raw?: string;
      /** The address the request comes from (default 127.0.0.1, as through the local gateway). */
      peer?: string;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Delivers an event as the sidecar would (`POST /events/{type}` with the app token); the body says SUCCESS / RETRY / DROP. */
  deliver(event: {
    eventId: string;
    eventType: string;
  }): Promise<{ status: number; body: any; headers: Headers }>;
  /**
   * Delivers events of one topic in one request, as daprd's bulk subscribe does (`{entries}`, each a
   * cloud event whose id is the event's `eventId`); the body's `statuses` answer each entry.
   */
  deliverBatch(topic: string, events: unknown[]): Promise<{ status: number; body: any; headers: Headers }>;
  /** Events this service wrote to its outbox, oldest first. */
  outbox(topic?: string): Promise<{ eventType: string; data: any; correlationId: string; eventId: string }[]>;
  close(): Promise<void>;
}

/** What a service test changes about its service: env on top of the test defaults, and the sidecar's doubles. */
export interface TestServiceOptions {
  env?: Record<string, string>;
  invoke?: Record<string, (body: unknown, query?: Record<string, unknown>) => unknown>;
  bindings?: Record<string, (call: BindingCall) => unknown>;
  dapr?: Dapr;
}

export async function startTestService<DB, S extends import('zod').ZodObject | undefined, Ctx>(
  def: ServiceDefinition<DB, S, Ctx>,
  o: TestServiceOptions = {},
): Promise<TestService<DB, import('../service.ts').ServiceConfig<S>, Ctx>> {
  const schema = `t_${def.name}_${randomBytes(4).toString('hex')}`;
  const dapr =
    (o.dapr as ReturnType<typeof withoutSidecar>) ?? withoutSidecar(o.invoke, o.bindings, def.name);
  const overrides: BuildOverrides = {
    env: {
      DATABASE_URL: testDatabaseUrl(),
      DB_SCHEMA: schema,
      DB_POOL_MAX: '5',
      APP_API_TOKEN: TEST_APP_TOKEN,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ENVIRONMENT: 'test',
      ...o.env,
    },
    dapr,
    // A service that verifies tokens with its own keys (auth) is tested with them.
    ...(def.verifier ? {} : { verifier: testVerifier }),
    log: createLogger(def.name, process.env.TEST_LOG_LEVEL ?? 'silent'),
  };
  const service = buildService(def, overrides);
  await service.prepare({ relay: false });
  const db = service.deps.db as unknown as Kysely<any>;
  const testService: TestService<DB, import('../service.ts').ServiceConfig<S>, Ctx> = {
    ...service,
    schema,
    dapr,
    async call(method, path, c = {}) {
      const headers: Record<string, string> = { ...c.headers };
      if (c.token) headers.authorization = `Bearer ${c.token}`;
      let body: string | undefined = c.raw;
      if (c.body !== undefined) {
        body = JSON.stringify(c.body);
        headers['content-type'] ??= 'application/json';
      }
      // As the HTTP server passes it: the socket's peer (the local gateway unless a test says otherwise).
      const env = { incoming: { socket: { remoteAddress: c.peer ?? '127.0.0.1' } } };
      const res = await service.app.request(
        path,
        { method, headers, ...(body !== undefined ? { body } : {}) },
        env,
      );
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    deliver(event) {
      return testService.call('POST', `/events/${event.eventType}`, {
        body: { id: event.eventId, data: event },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
    },
    deliverBatch(topic, events) {
      return testService.call('POST', `/events/${topic}`, {
        body: {
          id: 'bulk',
          topic,
          pubsubname: 'pubsub',
          entries: events.map((event, i) => ({
            entryId: `e${i}`,
            event: { id: (event as { eventId?: string }).eventId ?? `ce-${i}`, type: topic, data: event },
            contentType: 'application/cloudevents+json',
            metadata: {},
          })),
        },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
    },
    async outbox(topic) {
      let q = db.selectFrom('outbox').select(['envelope']).orderBy('seq');
      if (topic) q = q.where('topic', '=', topic);
      return (await q.execute()).map((r: { envelope: any }) => r.envelope);
    },
    async close() {
      await service.stop();
      const admin = (await import('../db.ts')).createDb(testDatabaseUrl(), 'public', 1);
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    },
  };
  return testService;
}

export * from './measure.ts';
export * from './order-events.ts';
export * from './stand-in.ts';
