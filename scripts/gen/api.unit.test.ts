/**
 * The public API reference (packages/contracts/generated/openapi.json, served at /api/openapi.json):
 * every public route of every service is in it, and every operation says what a client needs —
 * a unique operationId, a tag, its security, its problem responses with their codes, and the
 * Idempotency-Key header where the route honours one. Nothing internal leaks into it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referencePaths, serviceNames, services } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { builtService, scanErrorCodes } from './api.ts';

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
