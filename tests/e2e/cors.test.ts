/**
 * CORS through the gateway: a browser storefront on the allowed origin (the stack's storefront
 * port, CORS_ALLOWED_ORIGINS) gets its preflight answered and may read the answer with
 * credentials; any other origin is refused. The browser test (browser.test.ts) does the same
 * from a real Chromium.
 */
import { describe, expect, it } from 'vitest';
import { storefrontPortOf } from '../../scripts/stack/ports.ts';
import { base, localAdmin } from './lib.ts';

const allowed = `http://localhost:${storefrontPortOf()}`;
const refused = 'https://evil.example.com';

const preflight = (origin: string, path = '/api/v1/orders') =>
  fetch(`${base()}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });

const login = (origin: string) =>
  fetch(`${base()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify(localAdmin),
  });

describe('CORS through the gateway', () => {
  it('answers a preflight from the allowed origin with credentials and the idempotency header', async () => {
    const res = await preflight(allowed);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('lets the allowed origin read the answer and its Location, Idempotency-Key and X-Request-Id', async () => {
    const res = await login(allowed);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const exposed = res.headers.get('access-control-expose-headers')?.toLowerCase().split(',') ?? [];
    expect(exposed).toEqual(expect.arrayContaining(['location', 'idempotency-key', 'x-request-id']));
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a preflight from another origin and gives its requests no CORS headers', async () => {
    const pre = await preflight(refused);
    expect(pre.status).toBe(403);
    expect(((await pre.json()) as { code: string }).code).toBe('CORS_ORIGIN_REFUSED');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await login(refused);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
