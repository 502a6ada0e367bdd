import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { currentContext } from './context.ts';

/** Where the problem `type` URIs point: the error codes page the API serves. */
export const ERRORS_PATH = '/api/errors';
export const problemType = (code: string) => `${ERRORS_PATH}#${code.toLowerCase().replaceAll('_', '-')}`;

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The one error type routes throw: an HTTP status, a stable machine `code` (OUT_OF_STOCK, …),
 * and a human `detail`. Rendered as RFC 9457 problem+json by the app's error handler.
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly detail: string;
  readonly extras: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    detail: string,
    extras: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    // A 4xx problem raised while a request is answered is that answer, not a fault: it carries no
    // stack trace, which V8 would capture with its async frames for each one (~9 µs, a refusal's
    // largest single cost in the kit; docs/decisions/0064-request-path-costs.md). 5xx keep theirs.
    const quiet = status < 500 && currentContext()?.answering === true;
    const limit = Error.stackTraceLimit;
    if (quiet) Error.stackTraceLimit = 0;
    super(status, { message: detail });
    if (quiet) Error.stackTraceLimit = limit;
    this.code = code;
    this.detail = detail;
    this.extras = extras;
    this.headers = headers;
  }

  toProblem(): Problem {
    return {
      type: problemType(this.code),
      title: titles[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...this.extras,
    };
  }
}

type Extras = Record<string, unknown>;
type Headers = Record<string, string>;

/** The headers of a problem that asks the client to come back: `Retry-After` in seconds. */
export const retryAfter = (seconds: number): Headers => ({ 'retry-after': String(seconds) });

// One helper per status the services answer with; each takes the problem's extra members and the
// headers it carries (Retry-After, WWW-Authenticate), so no service builds an ApiError by hand.
export const badRequest = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(400, code, detail, extras, headers);
export const validationFailed = (errors: FieldError[], detail = 'The request is not valid') =>
  new ApiError(400, 'VALIDATION_FAILED', detail, { errors });
export const unauthorized = (
  code = 'UNAUTHENTICATED',
  detail = 'A valid access token is required',
  extras?: Extras,
  headers?: Headers,
) => new ApiError(401, code, detail, extras, { 'www-authenticate': 'Bearer', ...headers });
export const forbidden = (
  code = 'FORBIDDEN',
  detail = 'You may not do this',
  extras?: Extras,
  headers?: Headers,
) => new ApiError(403, code, detail, extras, headers);
export const notFound = (
  code = 'NOT_FOUND',
  detail = 'No such resource',
  extras?: Extras,
  headers?: Headers,
) => new ApiError(404, code, detail, extras, headers);
export const conflict = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(409, code, detail, extras, headers);
export const payloadTooLarge = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(413, code, detail, extras, headers);
export const unsupportedMediaType = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(415, code, detail, extras, headers);
export const unprocessable = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(422, code, detail, extras, headers);
export const tooManyRequests = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(429, code, detail, extras, headers);
/** Another system (a service, the PG, a carrier, a provider) answered what we cannot use. */
export const badGateway = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(502, code, detail, extras, headers);
export const unavailable = (code: string, detail: string, extras?: Extras, headers?: Headers) =>
  new ApiError(503, code, detail, extras, headers);

export function problemResponse(c: Context, err: ApiError): Response {
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
  return c.body(JSON.stringify(err.toProblem()), err.status, { 'content-type': 'application/problem+json' });
}

/** Maps anything thrown in a route to problem+json; only the unexpected becomes a 500 (and is logged). */
export function toApiError(err: unknown, log?: Logger): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400 && /json/i.test(err.message)) {
      return new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON');
    }
    const status = err.status as ContentfulStatusCode;
    return new ApiError(
      status,
      titles[status]?.toUpperCase().replaceAll(' ', '_') ?? 'HTTP_ERROR',
      err.message,
    );
  }
  if (isOverloaded(err)) {
    log?.warn({ err }, 'database busy');
    return new ApiError(
      503,
      'SERVICE_BUSY',
      'The service is busy; try again shortly',
      {},
      { 'retry-after': '1' },
    );
  }
  if (isDatabaseDown(err)) {
    log?.warn({ err }, 'database unreachable');
    return new ApiError(
      503,
      'SERVICE_BUSY',
      'The service cannot reach its database; try again shortly',
      {},
      { 'retry-after': '1' },
    );
  }
  log?.error({ err }, 'unhandled error');
  return new ApiError(500, 'INTERNAL', 'Something went wrong on our side');
}

/**
 * Overload, not a bug: no pool connection free in time (pg-pool), a lock or statement timeout,
 * too many connections, a serialization failure or deadlock. The request may simply be retried.
 */
const busyCodes = new Set(['55P03', '57014', '53300', '40001', '40P01']);
function isOverloaded(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown } | null;
  return (
    (typeof e?.message === 'string' &&
      /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout)/.test(
        e.message,
      )) ||
    (typeof e?.code === 'string' && busyCodes.has(e.code))
  );
}

/**
 * The database going away or coming back (a restart, a failover, a dropped connection): a 503,
 * not a bug's 500. Mostly the request did not happen; a connection lost during its commit leaves
 * that unknown, which is why the API's writes that matter take an Idempotency-Key.
 * 57P01–57P03: terminated by an administrator, by a crash, or not accepting connections yet;
 * class 08: connection exceptions; and the socket errors pg passes through unchanged.
 */
const downCodes = new Set(['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
function isDatabaseDown(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown } | null;
  return (
    (typeof e?.code === 'string' && (downCodes.has(e.code) || e.code.startsWith('08'))) ||
    (typeof e?.message === 'string' &&
      /^(Connection terminated unexpectedly|Client has encountered a connection error and is not queryable)/.test(
        e.message,
      ))
  );
}
