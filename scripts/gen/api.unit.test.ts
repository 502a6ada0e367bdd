/**
 * The public API reference (packages/contracts/generated/openapi.json, served at /api/openapi.json):
 * every public route of every service is in it, and every operation says what a client needs —
 * a unique operationId, a tag, its security, its problem responses with their codes, and the
 * Idempotency-Key header where the route honours one. Nothing internal leaks into it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referencePaths, serviceNames, services } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { builtService, scanErrorCodes } from './api.ts';
import { scanSources } from './codes.ts';

const doc = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'packages', 'contracts', 'generated', 'openapi.json'),
    'utf8',
  ),
);
const operations = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
  Object.entries<any>(item).map(([method, op]) => ({ path, method, op })),
);
const resolve = (schema: any): any =>
  schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;

describe('the public API reference', () => {
  it('holds every public route of every service, and nothing internal', async () => {
    const documented = new Set(
      operations.map(({ path, method }) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    for (const name of serviceNames) {
      const svc = await builtService(name);
      for (const r of svc.app.routes) {
        if (r.method === 'ALL') continue;
        const under = (p: string) => r.path === p || r.path.startsWith(`${p}/`);
        if (!services[name].prefixes.some(under) || referencePaths.some(under)) continue;
        expect(documented, `${name}: ${r.method} ${r.path}`).toContain(`${r.method} ${r.path}`);
      }
      await svc.deps.db.destroy();
    }
    for (const { path } of operations)
      expect(path).not.toMatch(/^\/(internal|events|sandbox|dapr)\b|^\/(healthz|readyz)$/);
    expect(operations.length).toBeGreaterThan(100);
  }, 60_000);

  it('gives every operation a unique operationId, a known tag, security and problem responses with codes', () => {
    const ids = new Set<string>();
    const tags = new Set(doc.tags.map((t: any) => t.name));
    const known = new Set(scanErrorCodes().map((c) => c.code));
    for (const { path, method, op } of operations) {
      const at = `${method} ${path}`;
      expect(op.operationId, at).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(ids.has(op.operationId), `${at}: operationId ${op.operationId} twice`).toBe(false);
      ids.add(op.operationId);
      expect(op.tags?.length, at).toBeGreaterThan(0);
      for (const t of op.tags) expect(tags, at).toContain(t);
      expect(Array.isArray(op.security), `${at}: security`).toBe(true);
      for (const s of op.security)
        for (const scheme of Object.keys(s)) expect(doc.components.securitySchemes).toHaveProperty(scheme);
      const problems = Object.entries<any>(op.responses).filter(
        ([, r]) => r.content?.['application/problem+json'],
      );
      expect(
        problems.map(([s]) => s),
        at,
      ).toEqual(expect.arrayContaining(['500', '503']));
      for (const [status, r] of problems) {
        const schema = r.content['application/problem+json'].schema;
        const parts = schema.allOf ?? [schema];
        expect(resolve(parts[0]).required, `${at} ${status}`).toContain('code');
        for (const code of parts[1]?.properties.code.enum ?? [])
          expect(known, `${at} ${status}`).toContain(code);
      }
      if (op.security.some((s: any) => s.bearer)) expect(op.responses, at).toHaveProperty('401');
    }
  }, 60_000);

  it('lists the codes a route answers from its domain code, the kit and the services it invokes', () => {
    // Each was answered by the running stack to the API fuzzer and missing from the document
    // (docs/benchmarks.md, "API fuzzing, first run"): thrown in a domain module or through a
    // wrapper, passed through from another service, or answered by the kit's token check.
    const cases: [string, string, number, string][] = [
      ['get', '/api/v1/admin/users/{id}', 404, 'USER_NOT_FOUND'],
      ['post', '/api/v1/admin/sellers/{id}/approve', 404, 'SELLER_NOT_FOUND'],
      ['get', '/api/v1/admin/notification-templates/{template}', 404, 'TEMPLATE_NOT_FOUND'],
      ['post', '/api/v1/admin/notification-templates/{template}/preview', 404, 'TEMPLATE_VERSION_NOT_FOUND'],
      ['post', '/api/v1/auth/login', 401, 'INVALID_CREDENTIALS'],
      ['post', '/api/v1/auth/email-verification/confirm', 400, 'VERIFICATION_TOKEN_INVALID'],
      ['post', '/api/v1/auth/password-reset/confirm', 400, 'RESET_TOKEN_EXPIRED'],
      ['delete', '/api/v1/users/me', 422, 'CURRENT_PASSWORD_WRONG'],
      ['put', '/api/v1/users/me/password', 422, 'CURRENT_PASSWORD_WRONG'],
      ['post', '/api/v1/orders', 404, 'PRODUCT_NOT_FOUND'],
      ['post', '/api/v1/orders', 422, 'COUPON_NOT_OWNED'],
      ['post', '/api/v1/payments/confirm', 422, 'PAYMENT_DECLINED'],
      ['get', '/api/v1/search/popular', 503, 'SESSIONS_UNVERIFIABLE'],
    ];
    for (const [method, path, status, code] of cases) {
      const schema = doc.paths[path][method].responses[status]?.content['application/problem+json'].schema;
      expect(schema?.allOf?.[1].properties.code.enum, `${method} ${path} ${status}`).toContain(code);
    }
  });

  it('refuses a code it cannot read, and follows helpers that take the code as a parameter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codes-'));
    const scan = (source: string) => {
      writeFileSync(join(dir, 'a.ts'), source);
      return () => scanSources([['order', [dir]]]);
    };
    expect(
      scan(`const refuse = (code: string) => conflict(code, 'no');\nthrow refuse('ONE');`)().map(
        (c) => c.code,
      ),
    ).toContain('ONE');
    expect(scan(`throw conflict(\`\${prefix}_USED\`, 'no');`)).toThrow(/a code the scan cannot read/);
    expect(scan(`throw unprocessable(codeOf(x), 'no');`)).toThrow(/a code the scan cannot read/);
    rmSync(dir, { recursive: true });
  });

  it('declares Idempotency-Key on the routes that honour it', () => {
    const idempotent = operations.filter(({ op }) =>
      op.parameters?.some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key'),
    );
    expect(idempotent.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining([
        'post /api/v1/orders',
        'post /api/v1/payments/confirm',
        'post /api/v1/coupons/{id}/issue',
      ]),
    );
    for (const { op } of idempotent) expect(op.responses).toHaveProperty('422');
  });

  it('marks login public and placing an order a buyer’s', () => {
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/orders'].post.security).toEqual([{ bearer: [] }]);
  });
});
