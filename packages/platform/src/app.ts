import { randomUUID } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { isCorrelationId, pageOf, pageQuery } from '@mp/contracts';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { ZodError } from 'zod';
import type { AuthEnv } from './auth.ts';
import { runInContext } from './context.ts';
import {
  ApiError,
  type FieldError,
  forbidden,
  notFound,
  problemResponse,
  toApiError,
  validationFailed,
} from './errors.ts';
import type { Logger } from './logger.ts';
import { spanIdOf, startTrace, traceContextOf, traceIdOf } from './trace.ts';

export type AppEnv = AuthEnv & { Variables: { requestId: string } };
export type App = OpenAPIHono<AppEnv>;

const where: Record<string, string> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  form: 'body',
};

/** zod issues → `[{path, message}]`; the path names the field (`items.0.quantity`), `in` says where it was. */
export function fieldErrors(error: ZodError, target?: string): FieldError[] {
  return error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(root)',
    message: i.message,
    ...(target ? { in: where[target] ?? target } : {}),
  }));
}

/** A router with the kit's validation hook: invalid input answers 400 problem+json naming the fields. */
export function createRouter(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(fieldErrors(result.error as ZodError, result.target));
    },
  });
}

/**
 * The app: request ids, a log line per request, problem+json for every error and for unknown
 * routes, and a correlation id (the caller's `x-correlation-id` or the request id) that follows
 * the work into logs, events and calls to other services.
 */
export function createApp(
  log: Logger,
  opts: {
    corsOrigins?: readonly string[];
    /** How often a request that comes without `traceparent` starts a sampled trace (0–1). */
    traceSamplingRate?: number;
  } = {},
): App {
  const app = createRouter();
  app.use('*', requestId({ headerName: 'x-request-id' }));
  app.use('*', accessLog(log, opts.traceSamplingRate ?? 1));
  app.use('*', corsPolicy(opts.corsOrigins ?? []));
  app.onError((err, c) => problemResponse(c, toApiError(err, log)));
  app.notFound((c) =>
    problemResponse(c, notFound('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)),
  );
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  return app;
}

/** What a browser on an allowed origin may send and read (docs/decisions/0040-cors-in-the-kit.md). */
export const CORS_POLICY = {
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  // traceparent/tracestate: a page's own tracing (OpenTelemetry in the browser) continues into the services.
  allowHeaders: [
    'Authorization',
    'Content-Type',
    'Idempotency-Key',
    'X-Request-Id',
    'X-Correlation-Id',
    'traceparent',
    'tracestate',
  ],
  exposeHeaders: ['Location', 'Idempotency-Key', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
  maxAge: 600,
} as const;

/**
 * CORS for browsers on the allowed origins (CORS_ALLOWED_ORIGINS), answered by every app the
 * same way behind any proxy: a preflight from an allowed origin is answered here (204) before
 * authentication; a preflight from any other origin is a 403 problem, and its other requests get
 * no CORS headers, so the browser keeps the answer from the page. Credentials are allowed, so the
 * origin is echoed, never `*`. Requests without `Origin` (servers, curl) are not concerned.
 */
function corsPolicy(origins: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins.map((o) => o.toLowerCase()));
  const policy = cors({
    origin: (origin) => origin,
    credentials: true,
    allowMethods: [...CORS_POLICY.allowMethods],
    allowHeaders: [...CORS_POLICY.allowHeaders],
    exposeHeaders: [...CORS_POLICY.exposeHeaders],
    maxAge: CORS_POLICY.maxAge,
  });
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (!origin) return next();
    if (allowed.has(origin.toLowerCase())) return policy(c, next);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      throw forbidden('CORS_ORIGIN_REFUSED', 'This origin may not call the API from a browser');
    }
    return next();
  };
}

/**
 * The request's log line, and the context its work runs in: the correlation id, and the W3C trace
 * context the caller sent (`traceparent`, `tracestate`; the gateway passes a client's on) or, when
 * there is none, a new trace sampled at the sidecars' rate (packages/platform/src/trace.ts).
 */
function accessLog(log: Logger, traceSamplingRate: number): MiddlewareHandler<AppEnv> {
  // The request's line has fixed fields, none of them a redacted one (logger.ts): it skips the
  // redaction pass, more than half a log line's CPU (docs/benchmarks.md); the line is the same.
  const requestLog = log.child({}, { redact: [] });
  return async (c, next) => {
    const started = performance.now();
    // A caller's id is kept only if it is one (bounded, plain charset); otherwise this request's
    // id, or a fresh one: an empty or huge id would ride on every event and break its consumers.
    const requestId = c.get('requestId');
    const given = c.req.header('x-correlation-id');
    const correlationId = isCorrelationId(given)
      ? given
      : isCorrelationId(requestId)
        ? requestId
        : randomUUID();
    const trace =
      traceContextOf(c.req.header('traceparent'), c.req.header('tracestate')) ??
      startTrace(traceSamplingRate);
    c.header('x-correlation-id', correlationId);
    await runInContext({ correlationId, traceId: traceIdOf(trace), ...trace, answering: true }, next);
    const path = c.req.path;
    if (path === '/healthz' || path === '/readyz') return;
    requestLog.info(
      {
        method: c.req.method,
        path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId: c.get('requestId'),
        correlationId,
        trace_id: traceIdOf(trace),
        span_id: spanIdOf(trace),
        userId: c.get('principal')?.userId,
      },
      'request',
    );
  };
}

// ---- OpenAPI helpers: keep route definitions short -------------------------------------------

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** A required JSON body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** A JSON response with a description. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/** The usual problem responses of a route, by status. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      problem(
        {
          400: 'Invalid input',
          401: 'No valid access token',
          403: 'Not allowed',
          404: 'Not found',
          409: 'Conflict with the current state',
          422: 'Not processable',
          429: 'Too many requests',
          503: 'A dependency is unavailable',
        }[s] ?? 'Error',
      ),
    ]),
  );

/** Pagination of the contract: the query (`limit`, `cursor`) and the reply `{items, nextCursor}`. */
export { pageOf, pageQuery };

export const encodeCursor = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The tail of a keyset list: `rows` were read with `limit + 1`, newest (or first) first; the extra
 * row says there is more, and the next cursor is `encodeCursor(cursorOf(last kept row))`.
 */
export function keysetPage<R>(
  rows: readonly R[],
  limit: number,
  cursorOf: (last: R) => unknown,
): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

/** The cursor of a list in (created_at, id) order: the last row's time and id. */
export const timeIdCursor = z.object({ t: z.string(), id: z.string() });

/** Decodes a cursor made by `encodeCursor` and checks its shape; a bad one is a 400 naming `cursor`. */
export function decodeCursor<T extends z.ZodType>(
  cursor: string | undefined,
  shape: T,
): z.infer<T> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {}
  throw new ApiError(400, 'VALIDATION_FAILED', 'The cursor is not valid', {
    errors: [{ path: 'cursor', message: 'not a cursor this list gave out', in: 'query' }],
  });
}
