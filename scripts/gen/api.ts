/**
 * The one public API reference: every service is built as it runs (no database or sidecar is
 * reached), its public document is described by the kit (packages/platform/src/openapi.ts), and
 * the documents are merged into packages/contracts/generated/openapi.json, which the gateway and
 * the Ingress serve at /api/openapi.json (docs/decisions/0041-one-api-reference.md). The error codes
 * come from a scan of the sources (codes.ts) and are written to docs/errors.md and errors.json (the
 * page that problem `type` URIs point at).
 */
import { join, relative } from 'node:path';
import { type ServiceName, serviceNames } from '@mp/contracts';
import {
  baseConfigSchema,
  buildService,
  createLogger,
  problemType,
  publicDocument,
} from '../../packages/platform/src/index.ts';
import { type ErrorCode, operationCodes, scanErrorCodes } from './codes.ts';

export { type ErrorCode, scanErrorCodes };

const root = join(import.meta.dirname, '..', '..');

/** Required variables get a stand-in that their schema accepts; nothing is reached while describing. */
const standIns = [
  Buffer.alloc(32).toString('base64'),
  'test_sk_api_reference_0000000000',
  'http://127.0.0.1:9',
  'x'.repeat(32),
  '1',
  'true',
];
function envFor(schema: typeof baseConfigSchema): Record<string, string> {
  const env: Record<string, string> = {
    DATABASE_URL: 'postgres://docs@127.0.0.1:9/docs',
    APP_API_TOKEN: 'api-reference-generator-token',
    ENVIRONMENT: 'local',
    LOCAL_DEV: 'true',
  };
  for (const [k, s] of Object.entries(schema.shape)) {
    if (k in env || s.safeParse(undefined).success) continue;
    const v = standIns.find((c) => s.safeParse(c).success);
    if (v !== undefined) env[k] = v;
  }
  return env;
}

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are plain JSON here
type Json = any;

/** A service built as it runs, for reading its routes (call `svc.deps.db.destroy()` after). */
export async function builtService(name: ServiceName) {
  const { service } = await import(join(root, 'services', name, 'src', 'service.ts'));
  return buildService(service, {
    env: envFor(service.config ?? baseConfigSchema),
    log: createLogger(name, 'silent'),
  });
}

let answerable: ReturnType<typeof operationCodes> | undefined;

/** One service's public document, as its /openapi.json serves it, with the codes its routes can answer. */
export async function serviceDocument(name: ServiceName): Promise<Json> {
  const svc = await builtService(name);
  answerable ??= operationCodes();
  const operations = answerable[name];
  const doc = publicDocument(
    svc.app,
    name,
    { title: name, version: '1.0.0' },
    { operationCodes: Object.fromEntries(operations) },
  );
  for (const [path, item] of Object.entries<Json>(doc.paths))
    for (const method of Object.keys(item))
      if (!operations.has(`${method} ${path}`))
        throw new Error(`${name}: no createRoute declares ${method} ${path}, so its error codes are unknown`);
  await svc.deps.db.destroy();
  return doc;
}

const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** The services' documents merged: paths, schemas (renamed when two services mean different things), tags. */
export async function apiDocument(): Promise<Json> {
  const merged: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Marketplace API',
      version: '1.0.0',
      description:
        'The public API of the marketplace: every service behind one gateway. Errors are RFC 9457 problem+json with a stable `code` (see /api/errors). Routes marked with a lock need `Authorization: Bearer <accessToken>` from `POST /api/v1/auth/login`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'This gateway' }],
    paths: {},
    components: { schemas: {}, securitySchemes: {} },
    tags: [],
    'x-tagGroups': [],
  };
  for (const name of serviceNames) {
    let doc = await serviceDocument(name);
    const schemas: Json = doc.components?.schemas ?? {};
    for (const [key, schema] of Object.entries(schemas)) {
      const existing = merged.components.schemas[key];
      if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
        const renamed = `${pascal(name)}${key}`;
        doc = JSON.parse(
          JSON.stringify(doc).replaceAll(
            `"#/components/schemas/${key}"`,
            `"#/components/schemas/${renamed}"`,
          ),
        );
        merged.components.schemas[renamed] = doc.components.schemas[key];
      } else merged.components.schemas[key] = schema;
    }
    Object.assign(merged.components.securitySchemes, doc.components?.securitySchemes);
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      if (merged.paths[path]) throw new Error(`${path} is served by two services`);
      merged.paths[path] = item;
    }
    const tags: Json[] = doc.tags ?? [];
    merged.tags.push(...tags.map((t) => ({ name: t.name, description: `${name} service` })));
    if (tags.length) merged['x-tagGroups'].push({ name, tags: tags.map((t) => t.name) });
  }
  return merged;
}

export const apiDocumentJson = async () => `${JSON.stringify(await apiDocument(), null, 2)}\n`;

const header = `<!-- Generated by scripts/gen from the services' and the kit's sources; do not edit. -->\n\n`;

export function errorsDoc(): string {
  const seen = new Set<string>();
  const rows = scanErrorCodes().map((e) => {
    // A code answered with two statuses has two rows; the anchor is on the first.
    const anchor = seen.has(e.code) ? '' : `<a id="${problemType(e.code).split('#')[1]}"></a>`;
    seen.add(e.code);
    return `| ${anchor}\`${e.code}\` | ${e.status} | ${e.from.join(', ')} | ${e.detail.replaceAll('|', '\\|')} |`;
  });
  return `${header}# Error codes

Every error the API answers is RFC 9457 problem+json:

\`\`\`json
{ "type": "/api/errors#out-of-stock", "title": "Conflict", "status": 409, "code": "OUT_OF_STOCK", "detail": "…" }
\`\`\`

\`code\` is stable and meant for programs; \`detail\` is for people and may change. \`type\` points at this
list as the API serves it (\`GET /api/errors\`, the anchor is the code in lower case with dashes).
A \`VALIDATION_FAILED\` answer also has \`errors: [{path, message, in}]\` naming each field at fault.
Which codes an operation can return is in its responses in the API reference (\`/api/docs\`).

"kit" means the shared service kit answers it on any route it applies to (authentication,
validation, idempotency, overload); otherwise the services that answer it are named.

| code | status | from | detail (example) |
|---|---|---|---|
${rows.join('\n')}
`;
}

export const errorsJson = () => `${JSON.stringify(scanErrorCodes(), null, 2)}\n`;

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') {
  console.log(Object.keys((await apiDocument()).paths).length, 'paths');
}

/** The typed client's types (packages/client/src/schema.gen.ts), from the merged document. */
export async function clientSchema(): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(await apiDocument(), { alphabetize: true });
  return `// Generated by scripts/gen with openapi-typescript from packages/contracts/generated/openapi.json; do not edit.\n${astToString(ast)}`;
}
