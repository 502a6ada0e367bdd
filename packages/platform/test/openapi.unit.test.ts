import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createApp, jsonBody, jsonResponse, problems } from '../src/app.ts';
import { requireRole } from '../src/auth.ts';
import { idempotent } from '../src/idempotency.ts';
import { createRoute, z } from '../src/index.ts';
import { createLogger } from '../src/logger.ts';
import { operationIdOf, publicDocument, tagOf } from '../src/openapi.ts';

const app = createApp(createLogger('order', 'silent'));
const order = z.object({ id: z.string() }).openapi('Order');
app.post('/api/v1/orders', idempotent({} as Kysely<unknown>, 'orders.create'));
app.openapi(
  createRoute({
    method: 'post',
    path: '/api/v1/orders',
    middleware: [requireRole('buyer')] as const,
    request: { body: jsonBody(z.object({ sku: z.string() })) },
    responses: { 201: jsonResponse(order, 'placed'), ...problems(400, 409) },
  }),
  (c) => c.json({ id: '1' }, 201),
);
app.openapi(
  createRoute({
    method: 'get',
    path: '/api/v1/orders/{id}/history',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: jsonResponse(order, 'one') },
  }),
  (c) => c.json({ id: '1' }, 200),
);
app.openapi(
  createRoute({
    method: 'get',
    path: '/internal/orders/{id}',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: jsonResponse(order, 'one') },
  }),
  (c) => c.json({ id: '1' }, 200),
);

describe('the API document the kit derives', () => {
  const doc = publicDocument(
    app,
    'order',
    { title: 't', version: '1' },
    { operationCodes: { 'post /api/v1/orders': { 409: ['OUT_OF_STOCK'] } } },
  );
  const place = doc.paths['/api/v1/orders'].post;
  const history = doc.paths['/api/v1/orders/{id}/history'].get;

  it('names and tags every operation from its method and path', () => {
    expect([place.operationId, history.operationId]).toEqual(['postOrders', 'getOrdersByIdHistory']);
    expect(operationIdOf('post', '/api/v1/admin/notices/{id}/publish')).toBe('postAdminNoticesByIdPublish');
    expect(place.tags).toEqual(['orders']);
    expect(tagOf('admin', '/api/v1/admin/notices/{id}')).toBe('admin/notices');
  });

  it('reads security from requireRole, and the Idempotency-Key from idempotent()', () => {
    expect(place.security).toEqual([{ bearer: [] }]);
    expect(place['x-roles']).toEqual(['buyer']);
    expect(history.security).toEqual([]);
    expect(place.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
    expect(history.parameters?.some((p: { name: string }) => p.name === 'Idempotency-Key')).toBeFalsy();
  });

  it('gives problem responses with the codes each status can carry', () => {
    const codes = (op: any, s: number) =>
      op.responses[s].content['application/problem+json'].schema.allOf[1].properties.code.enum;
    expect(codes(place, 401)).toContain('TOKEN_EXPIRED');
    expect(codes(place, 403)).toEqual(['ROLE_FORBIDDEN']);
    expect(codes(place, 409)).toEqual(['IDEMPOTENCY_IN_PROGRESS', 'OUT_OF_STOCK']);
    expect(codes(place, 422)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    // A public route still verifies a token when one is sent (authenticate), so a bad one is a 401
    // and sessions that cannot be checked a 503; it never asks for one.
    expect(codes(history, 503)).toEqual(['SERVICE_BUSY', 'SESSIONS_UNVERIFIABLE']);
    expect(codes(history, 401)).toEqual(['SESSION_REVOKED', 'TOKEN_EXPIRED', 'TOKEN_INVALID']);
  });

  it('leaves internal routes out of the public document, and marks them in the service’s own', () => {
    expect(doc.paths['/internal/orders/{id}']).toBeUndefined();
    const own = publicDocument(app, 'order', { title: 't', version: '1' }, { internal: true });
    expect(own.paths['/internal/orders/{id}'].get.security).toEqual([{ daprAppToken: [] }]);
  });
});
