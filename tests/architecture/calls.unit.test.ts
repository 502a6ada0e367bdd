/**
 * Calls between services go through the contracts (packages/contracts/src/calls.ts): services name
 * a call, never a path, and the Dapr access policies are exactly that list.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CallSpec, callNames, calls, findCall, type ServiceName, serviceNames } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { accessPolicies, operationsAllow } from '../../scripts/gen/access.ts';

const root = join(import.meta.dirname, '..', '..');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
const sources = serviceNames.flatMap((s) =>
  ['src', 'sandbox']
    .map((d) => join(root, 'services', s, d))
    .filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory())
    .flatMap(files)
    .map((p) => ({ service: s, file: relative(root, p), text: readFileSync(p, 'utf8') })),
);

describe('calls between services', () => {
  it('go through a contract entry: no service sends a path of its own', () => {
    const raw: string[] = [];
    for (const { file, text } of sources) {
      text.split('\n').forEach((line, i) => {
        // `dapr.invoke` is the kit's transport under `dapr.call`; a sidecar URL would go around both.
        if (/\.invoke\s*[<(]|\/v1\.0\/invoke\//.test(line)) raw.push(`${file}:${i + 1}: ${line.trim()}`);
        // An /internal path outside a route's own declaration is a call being built by hand.
        if (/['`]\/internal\//.test(line) && !/^\s*path: ['`]\/internal\//.test(line))
          raw.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(raw).toEqual([]);
  });

  it('name only calls their service is listed for', () => {
    const wrong: string[] = [];
    for (const { service, file, text } of sources)
      for (const m of text.matchAll(/\.call\(\s*'([a-zA-Z.]+)'/g)) {
        const c: CallSpec | undefined = calls[m[1] as keyof typeof calls];
        if (!c?.callers.includes(service)) wrong.push(`${file}: ${m[1]}`);
      }
    expect(wrong).toEqual([]);
  });

  it('are what the Dapr access policies allow, each caller exactly its listed operations', () => {
    const sample = (p: string) => p.replace(/\{[^}]+\}/g, 'x1');
    const policies = accessPolicies();
    // As scripts/gen/access.ts's daprAllows, over the policies made once.
    const daprAllows = (callee: ServiceName, caller: ServiceName, method: string, path: string) => {
      const ops = policies[callee].find((p) => p.appId === caller)?.operations;
      return ops ? operationsAllow(ops, method, path) : false;
    };
    for (const callee of serviceNames) {
      // Every caller with a policy has a listed call, and every listed call passes its callee's sidecar.
      const listedCallers = new Set(
        callNames.flatMap((n) => (calls[n].callee === callee ? [...calls[n].callers] : [])),
      );
      expect(new Set(policies[callee].map((p) => p.appId)), callee).toEqual(listedCallers);
      for (const n of callNames) {
        const c: CallSpec = calls[n];
        if (c.callee !== callee) continue;
        for (const caller of serviceNames)
          expect(daprAllows(callee, caller, c.method, sample(c.path)), `${caller} ${n}`).toBe(
            c.callers.includes(caller) ||
              !!findCall(caller, callee, c.method, sample(c.path)) ||
              widened.has(`${caller} → ${callee} ${c.method} ${c.path}`),
          );
      }
      // Each operation of a policy is there for a listed call of that caller (none left over).
      for (const p of policies[callee])
        for (const op of p.operations)
          for (const verb of op.httpVerb) {
            const used = callNames.some((n) => {
              const c: CallSpec = calls[n];
              return (
                c.callee === callee &&
                c.callers.includes(p.appId) &&
                c.method === verb &&
                operationsAllow([op], verb, sample(c.path))
              );
            });
            expect(used, `${p.appId} → ${callee} ${verb} ${op.name}`).toBe(true);
          }
    }
  });
});

/** Where Dapr's operation matching cannot be exact (scripts/gen/access.ts); reads only (as tests/k8s/chart.test.ts). */
const widened = new Set([
  'admin → product GET /internal/products/lookup',
  'admin → product GET /internal/products/quote',
  'admin → seller GET /internal/sellers/{id}',
  'auth → user GET /internal/users',
  'notification → user GET /internal/users',
  'product → seller GET /internal/sellers',
  'settlement → seller GET /internal/sellers',
]);
