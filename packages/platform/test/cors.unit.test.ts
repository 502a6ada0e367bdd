import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { baseConfigSchema } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

const allowed = 'https://shop.example.kr';
const app = createApp(createLogger('order', 'silent'), { corsOrigins: [allowed] });
app.post('/api/v1/things', (c) => c.json({ ok: true }, 201, { location: '/api/v1/things/1' }));

const preflight = (origin: string) =>
  app.request('/api/v1/things', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });

describe('CORS', () => {
  it('answers a preflight from an allowed origin before authentication, with credentials', async () => {
    const res = await preflight(allowed);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('lets a page send its W3C trace context (traceparent, tracestate)', async () => {
    const allowedHeaders = (await preflight(allowed)).headers
      .get('access-control-allow-headers')
      ?.toLowerCase()
      .split(',');
    expect(allowedHeaders).toEqual(expect.arrayContaining(['traceparent', 'tracestate']));
  });

  it('lets an allowed origin read Location, Idempotency-Key and X-Request-Id', async () => {
    const res = await app.request('/api/v1/things', { method: 'POST', headers: { origin: allowed } });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    const exposed = res.headers.get('access-control-expose-headers')?.toLowerCase().split(',') ?? [];
    expect(exposed).toEqual(expect.arrayContaining(['location', 'idempotency-key', 'x-request-id']));
  });

  it('refuses a preflight from another origin and gives its requests no CORS headers', async () => {
    const refused = await preflight('https://evil.example.com');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await refused.json()).code).toBe('CORS_ORIGIN_REFUSED');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const res = await app.request('/api/v1/things', {
      method: 'POST',
      headers: { origin: 'https://evil.example.com' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('reads CORS_ALLOWED_ORIGINS as a list of exact origins and refuses `*` or a path', () => {
    const parse = (v?: string) => baseConfigSchema.shape.CORS_ALLOWED_ORIGINS.safeParse(v);
    expect(parse(undefined).data).toEqual([]);
    expect(parse('https://A.example.kr, http://localhost:5173').data).toEqual([
      'https://a.example.kr',
      'http://localhost:5173',
    ]);
    expect(parse('*').success).toBe(false);
    expect(parse('https://a.example.kr/shop').success).toBe(false);
  });
});
