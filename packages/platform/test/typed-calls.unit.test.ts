import { describe, expect, it } from 'vitest';
import { CallRequestError } from '../src/dapr.ts';
import { ApiError } from '../src/errors.ts';
import { withoutSidecar } from '../src/testing/index.ts';

const account = {
  userId: 'u-1',
  email: 'kim@example.kr',
  name: '김철수',
  phone: null,
  role: 'buyer',
  status: 'ACTIVE',
  emailVerified: true,
};

describe('dapr.call: a listed call, checked on both sides by its contract', () => {
  it('fills the path, sends the listed method and answers the reply the contract describes', async () => {
    const dapr = withoutSidecar(
      { 'user GET /internal/users/u%2F1': () => ({ ...account, extra: 1 }) },
      {},
      'coupon',
    );
    const a = await dapr.call('user.users.get', { params: { id: 'u/1' } });
    expect(a).toEqual(account);
    expect(dapr.calls).toEqual([
      { appId: 'user', method: 'GET', path: '/internal/users/u%2F1', body: undefined },
    ]);
  });

  it('answers a reply that breaks its schema with a 502 problem naming the callee, never the object', async () => {
    const dapr = withoutSidecar(
      { 'user GET /internal/users/u-1': () => ({ ...account, status: 'GONE', emailVerified: 'yes' }) },
      {},
      'coupon',
    );
    const err = await dapr.call('user.users.get', { params: { id: 'u-1' } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(502);
    expect(err.toProblem()).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstream: 'user',
      call: 'user.users.get',
    });
    expect(err.detail).toMatch(
      /^user answered GET \/internal\/users\/\{id\} with a reply that breaks its contract/,
    );
    expect(err.detail).toContain('status');
    expect(err.detail).toContain('emailVerified');
  });

  it('answers no reply at all (an empty body) as a 502 too', async () => {
    const dapr = withoutSidecar({ 'product POST /internal/products/quote': () => '' }, {}, 'order');
    const err = await dapr
      .call('product.products.quote', { body: { items: [{ productId: 'p', sku: 's', quantity: 1 }] } })
      .catch((e) => e);
    expect([err.status, err.code]).toEqual([502, 'UPSTREAM_ERROR']);
  });

  it('refuses to send a request that breaks the contract, before anything is sent', async () => {
    const dapr = withoutSidecar(
      { 'product POST /internal/products/quote': () => ({ items: [] }) },
      {},
      'order',
    );
    await expect(
      dapr.call('product.products.quote', { body: { items: [{ productId: 'p', sku: 's', quantity: 0 }] } }),
    ).rejects.toThrow(CallRequestError);
    expect(dapr.calls).toHaveLength(0);
  });

  it("passes the callee's own refusals through as they are", async () => {
    const dapr = withoutSidecar(
      {
        'user GET /internal/users/u-2': () => {
          throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
        },
      },
      {},
      'coupon',
    );
    await expect(dapr.call('user.users.get', { params: { id: 'u-2' } })).rejects.toMatchObject({
      status: 404,
      code: 'USER_NOT_FOUND',
    });
  });

  it('still refuses a caller the list does not name for the call', async () => {
    const dapr = withoutSidecar({ 'user GET /internal/users/u-1': () => account }, {}, 'review');
    await expect(dapr.call('user.users.get', { params: { id: 'u-1' } })).rejects.toThrow(
      /not in the list of synchronous calls/,
    );
  });
});
