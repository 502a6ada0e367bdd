import { ApiError } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminForFile } from './helpers.ts';

let admin: string;
const productId = '0190c0de-0000-7000-8000-000000000001';
const svc = adminForFile({
  invoke: {
    [`product PATCH /internal/products/${productId}/approve`]: (body) => ({
      id: productId,
      status: 'APPROVED',
      body,
    }),
    [`product PATCH /internal/products/${productId}/reject`]: (body) => ({
      id: productId,
      status: 'REJECTED',
      body,
    }),
    'product PATCH /internal/products/missing/approve': () => {
      throw new ApiError(404, 'PRODUCT_NOT_FOUND', 'No such product');
    },
    'product PATCH /internal/revisions/r-1/approve': (body) => ({ id: productId, body }),
    'product PATCH /internal/revisions/r-1/reject': (body) => ({ id: productId, body }),
    'product GET /internal/revisions': (_body, query) => ({
      items: [{ id: 'r-1', query }],
      nextCursor: null,
    }),
    'product GET /internal/products': (_body, query) => ({
      items: [{ id: productId, query }],
      nextCursor: null,
    }),
  },
});
beforeAll(async () => {
  admin = await tokenFor('admin-7', 'admin');
});

describe("admin's product review (상품 심사), forwarded to product through Dapr", () => {
  it('approves and rejects in the name of the signed-in admin', async () => {
    const ok = await svc.call('PATCH', `/api/v1/admin/products/${productId}/approve`, { token: admin });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: productId, status: 'APPROVED', body: { adminId: 'admin-7' } });
    const no = await svc.call('PATCH', `/api/v1/admin/products/${productId}/reject`, {
      token: admin,
      body: { reason: '허위 과장 광고' },
    });
    expect(no.body.body).toEqual({ adminId: 'admin-7', reason: '허위 과장 광고' });
  });

  it("passes product's refusals through and names a missing reason", async () => {
    const missing = await svc.call('PATCH', '/api/v1/admin/products/missing/approve', { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('PRODUCT_NOT_FOUND');
    const noReason = await svc.call('PATCH', `/api/v1/admin/products/${productId}/reject`, {
      token: admin,
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('reason');
  });

  it('serves the review queue', async () => {
    const res = await svc.call('GET', '/api/v1/admin/products?limit=5', { token: admin });
    expect(res.body.items[0].query).toEqual({ status: 'PENDING_REVIEW', limit: 5, cursor: undefined });
  });

  it("decides sellers' held edits (revisions) in the name of the signed-in admin", async () => {
    const list = await svc.call('GET', '/api/v1/admin/product-revisions?limit=3', { token: admin });
    expect(list.body.items[0].query).toEqual({ status: 'PENDING', limit: 3, cursor: undefined });
    const ok = await svc.call('PATCH', '/api/v1/admin/product-revisions/r-1/approve', { token: admin });
    expect(ok.body.body).toEqual({ adminId: 'admin-7' });
    const no = await svc.call('PATCH', '/api/v1/admin/product-revisions/r-1/reject', {
      token: admin,
      body: { reason: '과장 광고' },
    });
    expect(no.body.body).toEqual({ adminId: 'admin-7', reason: '과장 광고' });
    const seller = await tokenFor('s-1', 'seller');
    expect((await svc.call('GET', '/api/v1/admin/product-revisions', { token: seller })).status).toBe(403);
  });

  it('is for admins only', async () => {
    const seller = await tokenFor('s-1', 'seller');
    expect(
      (await svc.call('PATCH', `/api/v1/admin/products/${productId}/approve`, { token: seller })).status,
    ).toBe(403);
    expect((await svc.call('PATCH', `/api/v1/admin/products/${productId}/approve`)).status).toBe(401);
    expect((await svc.call('GET', '/api/v1/admin/products', { token: seller })).status).toBe(403);
  });
});
