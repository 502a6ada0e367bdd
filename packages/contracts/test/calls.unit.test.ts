import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CallSpec, callNames, calls, findCall } from '../src/calls.ts';
import { type ServiceName, serviceNames } from '../src/services.ts';

const root = join(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [readFileSync(p, 'utf8')] : [];
  });
}
const code = Object.fromEntries(
  serviceNames.map((s) => [s, sources(join(root, 'services', s, 'src')).join('\n')]),
) as Record<ServiceName, string>;
const kit = sources(join(root, 'packages', 'platform', 'src')).join('\n');

describe('the list of synchronous calls', () => {
  it('lists each caller, callee, method and path once', () => {
    const seen = new Set<string>();
    for (const n of callNames) {
      const c: CallSpec = calls[n];
      expect(c.callers.length, n).toBeGreaterThan(0);
      expect(c.callers, `${n} calls itself`).not.toContain(c.callee);
      for (const caller of c.callers) {
        const key = `${caller} ${c.callee} ${c.method} ${c.path}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });

  it('has every app-to-app call in the code, made by one of its listed callers', () => {
    const unlisted: string[] = [];
    for (const caller of serviceNames) {
      for (const m of code[caller].matchAll(/\.call\(\s*'([a-zA-Z.]+)'/g)) {
        const c: CallSpec | undefined = calls[m[1] as keyof typeof calls];
        if (!c?.callers.includes(caller)) unlisted.push(`${caller} → ${m[1]}`);
      }
    }
    expect(unlisted).toEqual([]);
  });

  it('lists no call that the caller does not make (each stays as narrow as the code)', () => {
    const stale: string[] = [];
    for (const n of callNames) {
      const c: CallSpec = calls[n];
      // The fixed part of the path, up to the first `{…}` segment: the kit's verifier asks auth by hand.
      const fixed = c.path.split('{')[0]!.replace(/\/$/, '');
      for (const caller of c.callers) {
        const byName = code[caller].includes(`'${n}'`);
        const byKit = c.callee === 'auth' && kit.includes(`/method${fixed}`);
        if (!byName && !byKit) stale.push(`${n}: ${caller}`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('matches a sent path against the templates, one segment per {name}', () => {
    expect(findCall('auth', 'user', 'PUT', '/internal/users/u1/password')).toBe('user.users.password');
    expect(findCall('review', 'user', 'PUT', '/internal/users/u1/password')).toBeUndefined();
    expect(findCall('auth', 'user', 'POST', '/internal/users/u1/password')).toBeUndefined();
    expect(findCall('auth', 'user', 'PUT', '/internal/users/u1/x/password')).toBeUndefined();
    expect(findCall('coupon', 'user', 'GET', '/internal/users?limit=5')).toBe('user.users.list');
    expect(findCall('notification', 'user', 'GET', '/internal/users')).toBeUndefined();
    expect(findCall('order', 'auth', 'GET', '/internal/sessions/revoked')).toBe('auth.sessions.revoked');
  });
});
