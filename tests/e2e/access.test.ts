/**
 * Access across the whole public surface, read from what every service documents (its
 * /openapi.json) so that a new route is checked the day it is written: through the gateway,
 * every route refuses an anonymous caller (401) unless it is one of the few the contract makes
 * public; every back-office route refuses a buyer (403); no internal route is reachable through
 * the gateway, and none answers on a service's own port without the Dapr app token.
 * (identity-roles.test.ts answers each identity route for every role in detail.)
 */
import { type ServiceName, services } from '@mp/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { account } from './identity-lib.ts';
import { api, portsOf } from './lib.ts';

/** Routes anyone may call: signing up and in, browsing the catalog, the PG's webhook. */
const PUBLIC = new Set([
  'POST /api/v1/users',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/login/otp',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'POST /api/v1/auth/email-verification/confirm',
  'GET /api/v1/auth/oauth/providers',
  'GET /api/v1/auth/oauth/{provider}/authorize',
  'GET /api/v1/auth/oauth/{provider}/callback',
  'GET /api/v1/categories',
  'GET /api/v1/products',
  'GET /api/v1/products/{id}',
  'GET /api/v1/sellers/{sellerId}/store',
  'GET /api/v1/coupons',
  'GET /api/v1/coupons/{id}',
  'GET /api/v1/coupons/promotions',
  'GET /api/v1/coupons/promotions/{id}',
  'GET /api/v1/reviews',
  'GET /api/v1/reviews/summary',
  'GET /api/v1/reviews/best',
  'GET /api/v1/reviews/{id}',
  'GET /api/v1/search',
  'GET /api/v1/notices',
  'GET /api/v1/notices/{id}',
  'GET /api/v1/search/autocomplete',
  'GET /api/v1/search/popular',
  'GET /api/v1/files/{id}',
  // Toss calls it without our tokens; each notice is verified by its secret or a re-query.
  'POST /api/v1/payments/webhooks/toss',
]);

interface Route {
  service: ServiceName;
  method: string;
  path: string;
}

const SOME_ID = '0196a0a0-0000-7000-8000-000000000000';
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, SOME_ID);
const withBody = (method: string) => !['GET', 'DELETE', 'HEAD'].includes(method);

let routes: Route[] = [];
beforeAll(async () => {
  for (const service of Object.keys(services) as ServiceName[]) {
    const doc = await (await fetch(`http://127.0.0.1:${portsOf(service).app}/openapi.json`)).json();
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths))
      for (const method of Object.keys(ops)) routes.push({ service, method: method.toUpperCase(), path });
  }
  routes = routes.filter((r) => r.method !== 'OPTIONS');
});

const call = (r: Route, token?: string) =>
  api(r.method, concrete(r.path), {
    ...(token ? { token } : {}),
    ...(withBody(r.method) ? { body: {} } : {}),
  });

describe('the public surface', () => {
  it('refuses anonymous callers on every documented route but the public ones', async () => {
    const publicRoutes = routes.filter((r) => r.path.startsWith('/api/'));
    expect(publicRoutes.length).toBeGreaterThan(100);
    const documented = new Set(publicRoutes.map((r) => `${r.method} ${r.path}`));
    for (const key of PUBLIC) expect(documented, `${key} is still a route`).toContain(key);
    for (const r of publicRoutes) {
      const res = await call(r);
      const key = `${r.method} ${r.path}`;
      if (PUBLIC.has(key)) expect(res.status, key).not.toBe(401);
      else {
        expect(res.status, `${key} (${r.service}) without a token`).toBe(401);
        expect(res.headers.get('content-type'), key).toContain('application/problem+json');
      }
    }
  });

  it('refuses a buyer on every back-office route', async () => {
    const buyer = await account('buyer', 'access');
    const adminRoutes = routes.filter((r) => r.path.startsWith('/api/v1/admin/'));
    expect(adminRoutes.length).toBeGreaterThan(20);
    for (const r of adminRoutes) {
      const res = await call(r, buyer.token);
      expect(res.status, `${r.method} ${r.path} as a buyer`).toBe(403);
    }
  });
});

describe('internal routes', () => {
  it('are not reachable through the gateway, nor on a service port without the app token', async () => {
    const internal = routes.filter((r) => r.path.startsWith('/internal/'));
    expect(internal.length).toBeGreaterThan(20);
    for (const r of internal) {
      const viaGateway = await call(r);
      expect(viaGateway.status, `${r.method} ${r.path} through the gateway`).toBe(404);
      const direct = await fetch(`http://127.0.0.1:${portsOf(r.service).app}${concrete(r.path)}`, {
        method: r.method,
        ...(withBody(r.method) ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      expect([401, 403], `${r.method} ${r.path} on ${r.service}'s port without the app token`).toContain(
        direct.status,
      );
    }
  });
});
