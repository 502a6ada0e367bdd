import { createRequire } from 'node:module';
import type CommunicationProtocolModule from '@dapr/dapr/enum/CommunicationProtocol.enum.js';
import type { HttpMethod } from '@dapr/dapr/enum/HttpMethod.enum.js';
import { StateConcurrencyEnum } from '@dapr/dapr/enum/StateConcurrency.enum.js';
import type BindingModule from '@dapr/dapr/implementation/Client/HTTPClient/binding.js';
import type HTTPClientModule from '@dapr/dapr/implementation/Client/HTTPClient/HTTPClient.js';
import type InvokerModule from '@dapr/dapr/implementation/Client/HTTPClient/invoker.js';
import type StateModule from '@dapr/dapr/implementation/Client/HTTPClient/state.js';
import { LogLevel } from '@dapr/dapr/types/logger/LogLevel.js';
import { getClientOptions } from '@dapr/dapr/utils/Client.util.js';
import {
  type CallArgs,
  type CallName,
  type CallPath,
  type CallReply,
  type CallSpec,
  callPath,
  calls,
  findCall,
  type ServiceName,
} from '@mp/contracts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fieldErrors } from './app.ts';
import { currentContext } from './context.ts';
import {
  closeSidecarConnections,
  type SdkFetch,
  type SidecarAnswer,
  sidecarFetch,
  sidecarRequest,
} from './dapr-transport.ts';
import { ApiError } from './errors.ts';
import { type TraceContext, traceHeaders } from './trace.ts';

// Only the SDK's HTTP client and the three parts the kit uses: the package root would also load its
// gRPC client, its servers and their protocol descriptors, ~40 MB of each app's memory (a pnpm patch,
// patches/@dapr__dapr@3.18.0.patch, keeps the HTTP client from requiring the root; decision 0058).
// Required, not imported: these CommonJS modules export classes as `default`, which Node's and the
// test runner's ESM interop hand over differently.
const sdk = createRequire(import.meta.url);
const HTTPClient = (
  sdk('@dapr/dapr/implementation/Client/HTTPClient/HTTPClient.js') as typeof HTTPClientModule
).default;
const Invoker = (sdk('@dapr/dapr/implementation/Client/HTTPClient/invoker.js') as typeof InvokerModule)
  .default;
const State = (sdk('@dapr/dapr/implementation/Client/HTTPClient/state.js') as typeof StateModule).default;
const Binding = (sdk('@dapr/dapr/implementation/Client/HTTPClient/binding.js') as typeof BindingModule)
  .default;
const HTTP = (sdk('@dapr/dapr/enum/CommunicationProtocol.enum.js') as typeof CommunicationProtocolModule)
  .default.HTTP;

export interface InvokeOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Give up waiting after this long (the sidecar's resiliency policy also bounds the call). */
  timeoutMs?: number;
}

export interface BulkPublishEntry {
  entryId: string;
  event: unknown;
  /** Per-event metadata: `cloudevent.id`, `cloudevent.type`, `partitionKey`… */
  metadata: Record<string, string>;
}

export interface StateEntry<T> {
  value: T | undefined;
  etag: string | undefined;
}

/** An output binding refused or failed the operation (the message says what the component answered). */
export class BindingError extends Error {
  readonly binding: string;
  constructor(binding: string, message: string) {
    super(`binding ${binding} failed: ${message}`);
    this.binding = binding;
  }
}

/** A write lost to a concurrent one (ETag mismatch); read again and retry. */
export class StateConflictError extends Error {}

/**
 * Everything a service does through its sidecar: invoke another app, publish, and state.
 * Errors are never swallowed: the SDK's `{error}` returns become exceptions here.
 */
export interface Dapr {
  /**
   * Makes one of the synchronous calls of packages/contracts/src/calls.ts, by its name: fills the
   * path's `{params}`, checks the body and query against the contract's schemas before sending,
   * and the reply against its reply schema before answering it, typed from that schema. A reply
   * that breaks the schema is a 502 problem naming the callee; the callee's 4xx problems come back
   * as `ApiError`s with its code, an unreachable callee is a 503.
   */
  call<N extends CallName>(
    name: N,
    ...args: object extends CallArgs<N> ? [(CallArgs<N> & CallOptions)?] : [CallArgs<N> & CallOptions]
  ): Promise<CallReply<N>>;
  /**
   * The transport under `call`: sends `path` to another app as it is and answers the raw reply.
   * Only the calls listed in packages/contracts/src/calls.ts can be sent: the path must fit one of
   * the callee's listed paths (checked by the compiler), and the caller, method and path one listed
   * call (checked here; the callee's sidecar refuses any other). Services use `call`.
   */
  invoke<A extends ServiceName = ServiceName>(
    appId: A,
    path: CallPath<A>,
    opts?: InvokeOptions,
  ): Promise<unknown>;
  /**
   * Publishes events to one topic in one request (Dapr's bulk publish). Returns the entries that
   * were not published, with why; the others are. Dapr does not keep a batch's order. `trace`: the
   * request's own trace context (the sidecar's publish span joins it), when all entries share one.
   */
  publishBulk(
    pubsub: string,
    topic: string,
    entries: BulkPublishEntry[],
    trace?: TraceContext,
  ): Promise<Map<string, string>>;
  getState<T>(store: string, key: string): Promise<StateEntry<T>>;
  /** Several keys in one request to the sidecar (Dapr's bulk get); a key without a value has none in its entry. */
  getStates<T>(store: string, keys: string[]): Promise<Map<string, StateEntry<T>>>;
  /**
   * Saves with first-write-wins when `etag` is given, or only if the key does not exist yet with
   * `ifAbsent` (Dapr's first-write concurrency without an ETag); either throws StateConflictError
   * when another write came first. Without both, last write wins.
   */
  saveState<T>(
    store: string,
    key: string,
    value: T,
    opts?: { etag?: string; ifAbsent?: boolean; ttlSeconds?: number },
  ): Promise<void>;
  /**
   * Several keys in one request to the sidecar (Dapr's state transaction), each written only if it
   * still has the ETag it was read with; throws StateConflictError when one has not. Redis does not
   * roll a transaction back, so after a conflict the other keys may have been written: read them
   * again and make the change idempotent. Only for keys that exist (Redis cannot guard a first write
   * in a transaction; use saveState's `ifAbsent`), at most 100 (DynamoDB's limit).
   */
  saveStates<T>(store: string, writes: { key: string; value: T; etag: string }[]): Promise<void>;
  deleteState(store: string, key: string, opts?: { etag?: string }): Promise<void>;
  /** Invokes an output binding (email through SMTP locally, SES on AWS); a failure throws. */
  invokeBinding(
    name: string,
    operation: string,
    data: unknown,
    metadata?: Record<string, string>,
  ): Promise<void>;
  healthy(): Promise<boolean>;
  stop(): Promise<void>;
}

interface SdkHttpError {
  status: number;
  error_msg: string;
}

function parseSdkError(err: unknown): SdkHttpError | undefined {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const parsed = JSON.parse(message) as Partial<SdkHttpError>;
    if (typeof parsed.status === 'number')
      return { status: parsed.status, error_msg: parsed.error_msg ?? '' };
  } catch {}
  return undefined;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new ApiError(504, 'UPSTREAM_TIMEOUT', `${what} did not answer in ${ms} ms`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

/** A call that is not in the list of synchronous calls: a programming error, refused before it is sent. */
export class UnlistedCallError extends Error {}

/** Throws unless `caller` may send `method path` to `callee` (packages/contracts/src/calls.ts). */
export function checkListedCall(
  caller: ServiceName,
  callee: ServiceName,
  method: string,
  path: string,
): void {
  if (!findCall(caller, callee, method, path))
    throw new UnlistedCallError(
      `${caller} → ${callee} ${method} ${path.split('?')[0]} is not in the list of synchronous calls (packages/contracts/src/calls.ts)`,
    );
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Give up waiting after this long (the sidecar's resiliency policy also bounds the call). */
  timeoutMs?: number;
}

/** A request this app was about to send that breaks the call's contract: our bug, refused before it is sent. */
export class CallRequestError extends Error {}

/**
 * `dapr.call` over `dapr.invoke` (the sidecar, or the test doubles): the contract's schemas on
 * both sides of the transport. `invoke` is looked up on each call, so a test may replace it.
 */
export function callThrough(dapr: Pick<Dapr, 'invoke'>): Dapr['call'] {
  return (async (name: CallName, args: Record<string, unknown> = {}) => {
    const spec: CallSpec = calls[name];
    const { params, body, query, headers, timeoutMs } = args as {
      params?: Record<string, string>;
      body?: unknown;
      query?: Record<string, string | number | undefined>;
    } & CallOptions;
    for (const [part, schema, value] of [
      ['body', spec.request, body],
      ['query', spec.query, query],
    ] as const) {
      if (!schema || (part === 'query' && value === undefined)) continue;
      const checked = schema.safeParse(value);
      if (!checked.success)
        throw new CallRequestError(
          `${name}: the ${part} breaks the contract (${fieldErrors(checked.error)
            .map((e) => `${e.path || part}: ${e.message}`)
            .join('; ')})`,
        );
    }
    const path = callPath(spec.path, params);
    const raw = await dapr.invoke(spec.callee, path as never, {
      method: spec.method,
      ...(body !== undefined ? { body } : {}),
      ...(query ? { query } : {}),
      ...(headers ? { headers } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    if (!spec.reply) return undefined;
    const reply = spec.reply.safeParse(raw);
    if (reply.success) return reply.data;
    const broken = fieldErrors(reply.error)
      .slice(0, 3)
      .map((e) => `${e.path || 'reply'}: ${e.message}`)
      .join('; ');
    throw new ApiError(
      502,
      'UPSTREAM_ERROR',
      `${spec.callee} answered ${spec.method} ${spec.path} with a reply that breaks its contract (${broken})`,
      { upstream: spec.callee, call: name },
    );
  }) as unknown as Dapr['call'];
}

export const invokeMethod = (o: InvokeOptions): NonNullable<InvokeOptions['method']> =>
  o.method ?? (o.body === undefined ? 'GET' : 'POST');

/** The static of the SDK's HTTPClient that holds the function it fetches with. */
const SDK_TRANSPORT = 'client';

export function createDapr(opts: {
  host: string;
  httpPort: number;
  apiToken?: string;
  /** This app: its calls are checked against the list. */
  caller: ServiceName;
}): Dapr {
  // What the SDK's DaprClient builds for HTTP, for the parts the kit uses.
  const sdkHttp = new HTTPClient(
    getClientOptions(
      {
        daprHost: opts.host,
        daprPort: String(opts.httpPort),
        communicationProtocol: HTTP,
        ...(opts.apiToken ? { daprApiToken: opts.apiToken } : {}),
        logger: { level: LogLevel.Error },
      },
      HTTP,
      undefined,
    ),
  );
  // The SDK's transport (a static of its HTTPClient, node-fetch once a client exists): node's HTTP
  // client on the SDK's own keep-alive agent (dapr-transport.ts). Set once per process. (By its
  // name in a string: scripts/gen/codes.ts follows identifiers by name into the services' code.)
  const statics = HTTPClient as unknown as Record<string, SdkFetch & { kit?: true }>;
  if (!statics[SDK_TRANSPORT]!.kit)
    statics[SDK_TRANSPORT] = Object.assign(sidecarFetch(statics[SDK_TRANSPORT]!), { kit: true as const });
  const sdkInvoker = new Invoker(sdkHttp);
  const sdkState = new State(sdkHttp);
  const sdkBinding = new Binding(sdkHttp);
  const sidecar = `http://${opts.host}:${opts.httpPort}`;

  const dapr: Omit<Dapr, 'call'> = {
    async invoke(appId: ServiceName, path: string, o: InvokeOptions = {}): Promise<unknown> {
      const method = invokeMethod(o) as HttpMethod;
      checkListedCall(opts.caller, appId, method, path);
      const ctx = currentContext();
      const headers: Record<string, string> = { ...o.headers };
      if (ctx) Object.assign(headers, { 'x-correlation-id': ctx.correlationId }, traceHeaders(ctx));
      if (o.body !== undefined) headers['Content-Type'] = 'application/json';
      const qs = o.query
        ? `?${new URLSearchParams(Object.entries(o.query).filter(([, v]) => v !== undefined) as [string, string][])}`
        : '';
      try {
        const call = sdkInvoker.invoke(appId, `${path.replace(/^\//, '')}${qs}`, method, o.body as object, {
          headers,
        });
        return await withTimeout(call, o.timeoutMs ?? 10_000, `${appId} ${path}`);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw upstreamError(appId, path, err);
      }
    },

    // Over HTTP directly: the SDK's publishBulk reads failed entries as `entryID` while daprd answers
    // `entryId`, so a partial failure would look like a success and those events would be lost.
    async publishBulk(pubsub, topic, entries, trace) {
      const body = entries.map((e) => ({
        entryId: e.entryId,
        event: e.event,
        contentType: 'application/json',
        metadata: e.metadata,
      }));
      const all = (why: string) => new Map(entries.map((e) => [e.entryId, why]));
      let answered: SidecarAnswer;
      try {
        answered = await sidecarRequest(`${sidecar}/v1.0-alpha1/publish/bulk/${pubsub}/${topic}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(opts.apiToken ? { 'dapr-api-token': opts.apiToken } : {}),
            ...traceHeaders(trace),
          },
          payload: JSON.stringify(body),
          abortAfterMs: 15_000,
        });
      } catch (err) {
        return all(`publish to ${topic} failed: ${err instanceof Error ? err.message : err}`);
      }
      if (answered.ok) return new Map();
      const text = answered.answerText;
      let failed: { entryId?: string; error?: string }[] | undefined;
      try {
        failed = (JSON.parse(text) as { failedEntries?: typeof failed }).failedEntries;
      } catch {}
      // Without a list of failed entries, none of them is known to be published.
      if (!failed?.length)
        return all(`publish to ${topic} answered ${answered.statusCode}: ${text.slice(0, 300)}`);
      return new Map(failed.map((f) => [String(f.entryId), f.error ?? `publish to ${topic} failed`]));
    },

    async getState<T>(store: string, key: string): Promise<StateEntry<T>> {
      // getBulk, because the SDK's get() drops the ETag.
      const [row] = (await sdkState.getBulk(store, [key])) as { data?: T; etag?: string }[];
      return { value: row?.data, etag: row?.etag };
    },

    async getStates<T>(store: string, keys: string[]): Promise<Map<string, StateEntry<T>>> {
      const out = new Map<string, StateEntry<T>>(keys.map((k) => [k, { value: undefined, etag: undefined }]));
      if (!keys.length) return out;
      const rows = (await sdkState.getBulk(store, [...new Set(keys)])) as {
        key: string;
        data?: T;
        etag?: string;
      }[];
      for (const row of rows) out.set(row.key, { value: row.data, etag: row.etag });
      return out;
    },

    async saveState(store, key, value, o = {}) {
      const res = await sdkState.save(store, [
        {
          key,
          value,
          ...(o.etag ? { etag: o.etag } : {}),
          ...(o.etag || o.ifAbsent
            ? { options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE } }
            : {}),
          ...(o.ttlSeconds ? { metadata: { ttlInSeconds: String(o.ttlSeconds) } } : {}),
        } as never,
      ]);
      if (res.error) {
        const e = parseSdkError(res.error);
        if (e?.status === 409 || /etag/i.test(e?.error_msg ?? ''))
          throw new StateConflictError(`state ${key} changed`);
        // Stores answer a lost first write without an ETag differently (Redis: "failed to set key");
        // the key being there now is what says another write came first.
        if (o.ifAbsent && (await dapr.getState(store, key).catch(() => undefined))?.etag)
          throw new StateConflictError(`state ${key} exists`);
        throw new Error(`saving state ${store}/${key} failed: ${res.error.message}`);
      }
    },

    // Over HTTP directly, like publishBulk: one POST, its error body read as daprd writes it.
    async saveStates(store, writes) {
      if (!writes.length) return;
      const operations = writes.map((w) => ({
        operation: 'upsert',
        request: { key: w.key, value: w.value, etag: w.etag, options: { concurrency: 'first-write' } },
      }));
      const written = await sidecarRequest(`${sidecar}/v1.0/state/${store}/transaction`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.apiToken ? { 'dapr-api-token': opts.apiToken } : {}),
        },
        payload: JSON.stringify({ operations }),
        abortAfterMs: 15_000,
      });
      if (written.ok) return;
      const text = written.answerText;
      // Redis answers a lost write "failed to set key", DynamoDB a cancelled transaction whose check failed.
      if (written.statusCode === 409 || /etag|failed to set key|ConditionalCheckFailed/i.test(text))
        throw new StateConflictError(`state ${writes.map((w) => w.key).join(', ')} changed`);
      throw new Error(
        `saving state ${store} (${writes.length} keys) answered ${written.statusCode}: ${text.slice(0, 300)}`,
      );
    },

    async deleteState(store, key, o = {}) {
      const res = await sdkState.delete(store, key, {
        ...(o.etag ? { etag: o.etag, concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE } : {}),
      });
      if (res.error) {
        const e = parseSdkError(res.error);
        if (e?.status === 409 || /etag/i.test(e?.error_msg ?? ''))
          throw new StateConflictError(`state ${key} changed`);
        throw new Error(`deleting state ${store}/${key} failed: ${res.error.message}`);
      }
    },

    async invokeBinding(name, operation, data, metadata = {}) {
      try {
        await withTimeout(
          sdkBinding.send(name, operation, data as object, metadata),
          15_000,
          `binding ${name}`,
        );
      } catch (err) {
        if (err instanceof ApiError) throw err;
        const e = parseSdkError(err);
        throw new BindingError(name, e ? `${e.status} ${e.error_msg}` : String(err));
      }
    },

    async healthy() {
      try {
        return (await sidecarRequest(`${sidecar}/v1.0/healthz/outbound`, { abortAfterMs: 1500 })).ok;
      } catch {
        return false;
      }
    },

    async stop() {
      await sdkHttp.stop().catch(() => {});
      closeSidecarConnections();
    },
  };
  return Object.assign(dapr, { call: callThrough(dapr) });
}

/** An answer from another service: its 4xx problems pass through; anything else is a 503/502. */
function upstreamError(appId: string, path: string, err: unknown): ApiError {
  const e = parseSdkError(err);
  if (!e) return new ApiError(503, 'UPSTREAM_UNAVAILABLE', `${appId} could not be reached`);
  let body: { code?: string; detail?: string; errors?: unknown } = {};
  try {
    body = JSON.parse(e.error_msg);
  } catch {}
  if (e.status >= 400 && e.status < 500 && body.code) {
    // error-codes: passed through (the API reference lists the callee's codes on the caller's routes)
    return new ApiError(
      e.status as ContentfulStatusCode,
      body.code,
      body.detail ?? `${appId} refused ${path}`,
      {
        ...(body.errors ? { errors: body.errors } : {}),
      },
    );
  }
  if (
    e.status === 500 &&
    /ERR_DIRECT_INVOKE|failed to invoke|no such host|connection refused/i.test(e.error_msg)
  ) {
    return new ApiError(503, 'UPSTREAM_UNAVAILABLE', `${appId} could not be reached`);
  }
  return new ApiError(502, 'UPSTREAM_ERROR', `${appId} answered ${e.status} to ${path}`, { upstream: appId });
}
