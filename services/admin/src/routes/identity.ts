/**
 * Admin's user and seller management (사용자 관리, 판매자 승인/거부): each action is
 * forwarded through Dapr to the service that owns the account or the store, which changes it and
 * publishes its own event; admin announces its decision (admin.user.suspended,
 * admin.seller.approved) through its own outbox with the decision it keeps (domain/actions.ts).
 */
import { adminUser, sellerDto, sellerListQuery, userListQuery } from '@mp/contracts';
import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  pageOf,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { decide } from '../domain/actions.ts';

const userId = z.object({ id: z.string().max(64) });
const reason = jsonBody(z.object({ reason: z.string().trim().min(1).max(500) }));
// The owners' answers, as the contracts give them (packages/contracts/src/internal/): the same
// schemas user's and seller's routes declare, named here for admin's API.
const account = adminUser.meta({ id: 'AdminAccount' });
const store = sellerDto.meta({ id: 'AdminSeller' });

const errors = problems(400, 401, 403, 404, 409, 422, 503);

const listUsers = createRoute({
  method: 'get',
  path: '/api/v1/admin/users',
  summary: 'Accounts, newest first, by status, role or text',
  middleware: [requireRole('admin')] as const,
  request: {
    query: userListQuery,
  },
  responses: { 200: jsonResponse(pageOf(account), 'Accounts'), ...errors },
});
const getUser = createRoute({
  method: 'get',
  path: '/api/v1/admin/users/{id}',
  summary: 'One account',
  middleware: [requireRole('admin')] as const,
  request: { params: userId },
  responses: {
    200: jsonResponse(account.partial().extend({ userId: z.string() }), 'The account'),
    ...errors,
  },
});
const suspendUser = createRoute({
  method: 'post',
  path: '/api/v1/admin/users/{id}/suspend',
  summary: '계정 정지: the account cannot sign in and its sessions end',
  middleware: [requireRole('admin')] as const,
  request: { params: userId, body: reason },
  responses: { 200: jsonResponse(account, 'The account'), ...errors },
});
const restoreUser = createRoute({
  method: 'post',
  path: '/api/v1/admin/users/{id}/restore',
  summary: '정지 해제: the account may sign in again',
  middleware: [requireRole('admin')] as const,
  request: { params: userId },
  responses: { 200: jsonResponse(account, 'The account'), ...errors },
});
const listSellers = createRoute({
  method: 'get',
  path: '/api/v1/admin/sellers',
  summary: 'Seller applications and stores, newest application first',
  middleware: [requireRole('admin')] as const,
  request: {
    query: sellerListQuery,
  },
  responses: { 200: jsonResponse(pageOf(store), 'Sellers'), ...errors },
});
const approveSeller = createRoute({
  method: 'post',
  path: '/api/v1/admin/sellers/{id}/approve',
  summary: '입점 승인 (also lifts a suspension)',
  middleware: [requireRole('admin')] as const,
  request: { params: userId },
  responses: { 200: jsonResponse(store, 'The seller'), ...errors },
});
const rejectSeller = createRoute({
  method: 'post',
  path: '/api/v1/admin/sellers/{id}/reject',
  summary: '입점 반려, with the reason the applicant sees',
  middleware: [requireRole('admin')] as const,
  request: { params: userId, body: reason },
  responses: { 200: jsonResponse(store, 'The seller'), ...errors },
});
const suspendSeller = createRoute({
  method: 'post',
  path: '/api/v1/admin/sellers/{id}/suspend',
  summary: '판매 정지: the store stops selling',
  middleware: [requireRole('admin')] as const,
  request: { params: userId, body: reason },
  responses: { 200: jsonResponse(store, 'The seller'), ...errors },
});

const withoutChanged = <T extends { changed?: boolean }>({ changed: _, ...rest }: T) => rest;

export function identityRoutes(app: App, { dapr, events, db }: ServiceDeps<Database>) {
  app.openapi(listUsers, async (c) =>
    c.json(await dapr.call('user.users.list', { query: c.req.valid('query') }), 200),
  );

  app.openapi(getUser, async (c) =>
    c.json(await dapr.call('user.users.get', { params: c.req.valid('param') }), 200),
  );

  app.openapi(suspendUser, async (c) => {
    const res = await decide(
      { db, dapr, events },
      'USER_SUSPEND',
      c.req.valid('param').id,
      principalOf(c).userId,
      c.req.valid('json').reason,
    );
    return c.json(withoutChanged(res), 200);
  });

  app.openapi(restoreUser, async (c) => {
    const res = await dapr.call('user.users.restore', {
      params: c.req.valid('param'),
      body: { adminId: principalOf(c).userId },
    });
    return c.json(withoutChanged(res), 200);
  });

  app.openapi(listSellers, async (c) =>
    c.json(await dapr.call('seller.sellers.list', { query: c.req.valid('query') }), 200),
  );

  app.openapi(approveSeller, async (c) => {
    const res = await decide(
      { db, dapr, events },
      'SELLER_APPROVE',
      c.req.valid('param').id,
      principalOf(c).userId,
    );
    return c.json(withoutChanged(res), 200);
  });

  for (const [route, name] of [
    [rejectSeller, 'seller.sellers.reject'],
    [suspendSeller, 'seller.sellers.suspend'],
  ] as const) {
    app.openapi(route, async (c) => {
      const body = { adminId: principalOf(c).userId, reason: c.req.valid('json').reason };
      return c.json(await dapr.call(name, { params: c.req.valid('param'), body }), 200);
    });
  }
}
