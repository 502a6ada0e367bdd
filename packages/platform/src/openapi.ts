/**
 * The public API document of a service, with what every operation must say derived here, once,
 * from the routes themselves rather than written by hand on each of them:
 *  - operationId from the method and path (`POST /api/v1/orders/{id}/cancel` → `postOrdersByIdCancel`),
 *  - a tag from the resource (`orders`, `cart`, `admin/notices`), grouped by service,
 *  - security from the route's `requireRole` (bearer, with the roles) or none,
 *  - problem+json error responses with the codes each status can carry (the kit's own, and the
 *    ones the service's routes can answer, from scripts/gen/codes.ts's scan), and
 *  - the `Idempotency-Key` header where the route is behind `idempotent()`.
 * Only routes under the service's public prefixes are kept: `/internal`, `/events`, the
 * sandboxes and the health checks are not part of the public API.
 */
import { type ServiceName, services } from '@mp/contracts';
import type { App } from './app.ts';
import { marksOfHandler, type RouteMarks } from './marks.ts';

export { markMiddleware, type RouteMarks } from './marks.ts';

/** Codes the kit itself answers with, by status; a route gets those that apply to it. */
export const kitCodes = {
  validation: { 400: ['VALIDATION_FAILED'] },
  body: { 400: ['INVALID_JSON'] },
  /** A token, when one is sent, is verified on every route (authenticate), public ones too. */
  token: { 401: ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED'], 503: ['SESSIONS_UNVERIFIABLE'] },
  bearer: { 401: ['UNAUTHENTICATED'] },
  roles: { 403: ['ROLE_FORBIDDEN'] },
  idempotency: {
    400: ['VALIDATION_FAILED'],
    409: ['IDEMPOTENCY_IN_PROGRESS'],
    422: ['IDEMPOTENCY_KEY_REUSED'],
  },
  always: { 500: ['INTERNAL'], 503: ['SERVICE_BUSY'] },
  internal: { 403: ['INTERNAL_ONLY'] },
  cors: { 403: ['CORS_ORIGIN_REFUSED'] },
  notFound: { 404: ['ROUTE_NOT_FOUND'] },
} as const satisfies Record<string, Record<number, readonly string[]>>;

const statusText: Record<number, string> = {
  400: 'Invalid input',
  401: 'No valid access token',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  410: 'Gone',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Not processable',
  429: 'Too many requests',
  500: 'Unexpected error',
  502: 'A provider failed',
  503: 'Busy or a dependency is unavailable',
  504: 'A provider timed out',
};

const problemComponent = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'Where the code is explained (the API’s error codes page)' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'A stable machine code (docs/errors.md)' },
    errors: {
      type: 'array',
      description: 'The fields at fault (VALIDATION_FAILED)',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' }, in: { type: 'string' } },
      },
    },
  },
};

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI objects are plain JSON here
type Json = any;
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** `post` + `/api/v1/orders/{id}/cancel` → `postOrdersByIdCancel`. */
export function operationIdOf(method: string, path: string): string {
  const parts = path
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith('{') ? `By${pascal(seg)}` : pascal(seg)));
  return method.toLowerCase() + parts.join('');
}

/** The resource of a path: its first segment under /api/v1 (the second under a service's own name). */
export function tagOf(service: ServiceName, path: string): string {
  const segs = path
    .replace(/^\/api\/v1\//, '')
    .replace(/^\//, '')
    .split('/')
    .filter((s) => s && !s.startsWith('{'));
  if (segs[0] === service && segs[1]) return `${segs[0]}/${segs[1]}`;
  return segs[0] ?? service;
}

/** Does a Hono route path (`/a/:id/*`) cover an operation path (`/a/{id}/b`)? */
function covers(honoPath: string, opPath: string): boolean {
  const target = opPath.replace(/\{[^}]+\}/g, '_p_');
  const pattern = honoPath
    .split('/')
    .map((seg) =>
      seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/')
    .replace(/\/\.\*$/, '(/.*)?');
  return new RegExp(`^${pattern}$`).test(target);
}

/** What the middleware in front of an operation says about it. */
function marksOf(app: App, method: string, path: string): RouteMarks {
  const found: RouteMarks = {};
  for (const r of app.routes) {
    const m = marksOfHandler(r.handler);
    if (!m) continue;
    if (r.method !== 'ALL' && r.method.toLowerCase() !== method) continue;
    if (!covers(r.path, path)) continue;
    if (m.roles) found.roles = m.roles;
    if (m.idempotent) found.idempotent = true;
  }
  return found;
}

const isPublic = (service: ServiceName, path: string) =>
  services[service].prefixes.some((p) => path === p || path.startsWith(`${p}/`));

type Codes = Partial<Record<number, readonly string[]>>;
function addCodes(into: Map<number, Set<string>>, codes: Codes) {
  for (const [s, list] of Object.entries(codes)) {
    const set = into.get(Number(s)) ?? new Set<string>();
    for (const c of list ?? []) set.add(c);
    into.set(Number(s), set);
  }
}

export interface DescribeOptions {
  /**
   * What each operation can answer by status (`post /api/v1/orders` → codes), for the statuses it
   * declares: the codes its route's code throws, the kit's and those of the services it invokes,
   * read from the sources by scripts/gen/codes.ts.
   */
  operationCodes?: Partial<Record<string, Codes>>;
  /**
   * Keep the service's `/internal` routes too (its own /openapi.json, for whoever calls it through
   * Dapr, and for the tests that check them unreachable from outside); the merged public document
   * leaves them out.
   */
  internal?: boolean;
}

const isInternal = (path: string) => path === '/internal' || path.startsWith('/internal/');

/**
 * The service's public OpenAPI 3.1 document with operationIds, tags, security, problem
 * responses and the Idempotency-Key parameter derived for every operation.
 */
export function publicDocument(app: App, service: ServiceName, info: Json, o: DescribeOptions = {}): Json {
  const doc: Json = app.getOpenAPI31Document({ openapi: '3.1.0', info });
  const paths: Json = {};
  const tags = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    const internal = o.internal === true && isInternal(path);
    if (!isPublic(service, path) && !internal) continue;
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const m = marksOf(app, method, path);
      op.operationId ??= operationIdOf(method, path);
      op.tags ??= [internal ? 'internal' : tagOf(service, path)];
      for (const t of op.tags) tags.add(t);
      const declared = Object.keys(op.responses ?? {}).map(Number);
      const codes = new Map<number, Set<string>>();
      addCodes(codes, kitCodes.always);
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody;
      if (hasInput) addCodes(codes, kitCodes.validation);
      if (op.requestBody?.content?.['application/json']) addCodes(codes, kitCodes.body);
      if (internal) {
        // Only our own Dapr sidecar reaches these, with the app token (the kit's requireAppToken).
        op.security ??= [{ daprAppToken: [] }];
        addCodes(codes, kitCodes.internal);
      } else if (m.roles) {
        op.security ??= [{ bearer: [] }];
        op['x-roles'] = [...m.roles];
        addCodes(codes, kitCodes.token);
        addCodes(codes, kitCodes.bearer);
        if (m.roles.length) addCodes(codes, kitCodes.roles);
      } else {
        // Anyone (a route may say otherwise with its own `security`). A token, when sent, is
        // still verified, and a bad one is a 401.
        op.security ??= [];
        addCodes(codes, kitCodes.token);
      }
      if (m.idempotent) {
        op.parameters = [
          ...(op.parameters ?? []).filter((p: Json) => p.name?.toLowerCase() !== 'idempotency-key'),
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Makes a retry safe: the same key and body replay the first answer (with `Idempotent-Replayed: true`); the same key with another body is a 422.',
            schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
          },
        ];
        op['x-idempotent'] = true;
        addCodes(codes, kitCodes.idempotency);
      }
      const own = o.operationCodes?.[`${method} ${path}`] ?? {};
      for (const s of declared) if (own[s]) addCodes(codes, { [s]: own[s] });
      op.responses ??= {};
      for (const [status, set] of [...codes].sort(([a], [b]) => a - b)) {
        const list = [...set].sort();
        const existing = op.responses[status];
        if (existing && !existing.content?.['application/problem+json']) continue;
        op.responses[status] = {
          description: `${existing?.description ?? statusText[status] ?? 'Error'}: ${list.join(', ')}`,
          content: {
            'application/problem+json': {
              schema: {
                allOf: [
                  { $ref: '#/components/schemas/Problem' },
                  { type: 'object', properties: { code: { type: 'string', enum: list } } },
                ],
              },
            },
          },
        };
      }
      // Declared problem statuses the kit knows no codes for keep a plain Problem.
      for (const s of declared) {
        const r = op.responses[s];
        if (r?.content?.['application/problem+json'] && !codes.has(s)) {
          r.content['application/problem+json'].schema = { $ref: '#/components/schemas/Problem' };
        }
      }
      paths[path] ??= {};
      paths[path][method] = op;
    }
  }
  doc.paths = paths;
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.Problem = problemComponent;
  doc.components.securitySchemes = {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token from POST /api/v1/auth/login',
    },
    ...(o.internal
      ? {
          daprAppToken: {
            type: 'apiKey',
            in: 'header',
            name: 'dapr-api-token',
            description: "Sent by the service's own Dapr sidecar (service invocation)",
          },
        }
      : {}),
  };
  doc.tags = [...tags].sort().map((name) => ({ name, 'x-service': service }));
  return doc;
}
