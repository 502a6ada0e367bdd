import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService, tokenFor } from '../src/testing/index.ts';
import { type DemoDb, demoService } from './demo-service.ts';

let svc: TestService<DemoDb, any>;
let buyer: string;
beforeAll(async () => {
  svc = await startTestService(demoService);
  buyer = await tokenFor('u-1', 'buyer');
});
afterAll(() => svc.close());

describe('errors are problem+json', () => {
  it('answers bad JSON with 400 INVALID_JSON', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      raw: '{"productId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, code: 'INVALID_JSON', title: 'Bad Request' });
  });

  it('answers a schema-violating body with 400 naming every field', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      body: { productId: '', rating: 9 },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['content', 'productId', 'rating']);
    expect(res.body.errors.every((e: { in: string; message: string }) => e.in === 'body' && e.message)).toBe(
      true,
    );
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      raw: 'rating=5',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await svc.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
  });
});

describe('authentication and roles', () => {
  it('refuses an anonymous caller with 401', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      body: { productId: 'p', rating: 5, content: 'ok' },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('treats Basic credentials as anonymous: a guarded route still answers 401', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      body: { productId: 'p', rating: 5, content: 'ok' },
      headers: { authorization: `Basic ${Buffer.from('test_sk_x:').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it("leaves bearer tokens under /sandbox/ to the sandbox (a third party's OAuth tokens are not ours)", async () => {
    const headers = { authorization: 'Bearer ya29.issued-by-a-sandbox' };
    const sandbox = await svc.call('GET', '/sandbox/demo/whoami', { headers });
    expect([sandbox.status, sandbox.body]).toEqual([
      200,
      { authorization: 'Bearer ya29.issued-by-a-sandbox', principal: null },
    ]);
    const api = await svc.call('POST', '/api/v1/reviews', { headers, body: { productId: 'p', rating: 5 } });
    expect(api.status).toBe(401);
  });

  it('refuses the wrong role with 403', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: await tokenFor('s-1', 'seller'),
      body: { productId: 'p', rating: 5, content: 'ok' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_FORBIDDEN');
  });

  it('refuses an expired token', async () => {
    const token = await tokenFor('u-1', 'buyer', { expiresIn: Math.floor(Date.now() / 1000) - 10 });
    const res = await svc.call('POST', '/api/v1/reviews', {
      token,
      body: { productId: 'p', rating: 5, content: 'ok' },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token with alg none', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'u-1', role: 'admin', iss: 'marketplace-auth', aud: 'marketplace', exp: 9e9, iat: 1 })}.`;
    const res = await svc.call('POST', '/api/v1/reviews', {
      token,
      body: { productId: 'p', rating: 5, content: 'ok' },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_INVALID');
  });
});

describe('health and documents', () => {
  it('serves /healthz and an OpenAPI document with the routes', async () => {
    expect((await svc.call('GET', '/healthz')).status).toBe(200);
    const doc = await svc.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/reviews');
  });

  it('serves /readyz with the database check', async () => {
    const res = await svc.call('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ postgres: true, sidecar: true });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body, and refuses another body', async () => {
    const body = { productId: 'p-idem', rating: 4, content: 'nice' };
    const headers = { 'idempotency-key': `k-${Date.now()}` };
    const first = await svc.call('POST', '/api/v1/reviews', { token: buyer, body, headers });
    const second = await svc.call('POST', '/api/v1/reviews', { token: buyer, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(
      await svc.deps.db.selectFrom('reviews').where('product_id', '=', 'p-idem').selectAll().execute(),
    ).toHaveLength(1);

    const other = await svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      body: { ...body, rating: 1 },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
