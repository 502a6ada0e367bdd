/**
 * The typed client (packages/client, generated from /api/openapi.json) against the running system:
 * a buyer signs up, signs in, finds a product and places an order with an Idempotency-Key, and a
 * refused call comes back as a typed problem.
 */
import { createClient, idempotencyKey } from '@mp/client';
import { describe, expect, it } from 'vitest';
import { adminToken, base, uniqueEmail } from './lib.ts';
import { address, category, listedProduct, verifiedSeller } from './ordering-lib.ts';

describe('the typed client', () => {
  it('signs up, signs in, lists products and places an order', async () => {
    const admin = await adminToken();
    const categoryId = await category(admin);
    const listed = await listedProduct(admin, await verifiedSeller(admin), {
      categoryId,
      name: '클라이언트 티셔츠',
      price: 19_000,
      stock: 5,
    });

    let token: string | undefined;
    const api = createClient({ baseUrl: base(), token: () => token });
    const email = uniqueEmail('client');
    const signup = await api.POST('/api/v1/users', {
      body: { email, password: 'correct horse battery', name: '박클라', role: 'buyer' },
    });
    expect(signup.response.status, JSON.stringify(signup.error)).toBe(201);
    const login = await api.POST('/api/v1/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    expect(login.error).toBeUndefined();
    token = (login.data as { accessToken: string }).accessToken;

    const products = await api.GET('/api/v1/products', { params: { query: { categoryId, limit: 10 } } });
    expect(products.error).toBeUndefined();
    const product = products.data!.items.find((p) => p.id === listed.productId);
    expect(product?.name).toBe('클라이언트 티셔츠');

    const key = idempotencyKey();
    const placed = await api.POST('/api/v1/orders', {
      params: { header: { 'Idempotency-Key': key } },
      body: {
        items: [{ productId: listed.productId, sku: listed.sku, quantity: 2 }],
        shippingAddress: address,
        paymentMethod: 'card',
      },
    });
    expect(placed.response.status, JSON.stringify(placed.error)).toBe(201);
    expect(placed.data!.status).toBe('PENDING_PAYMENT');
    const again = await api.GET('/api/v1/orders/{id}', { params: { path: { id: placed.data!.id } } });
    expect(again.data?.id).toBe(placed.data!.id);
  });

  it('returns a refused call as a typed problem', async () => {
    const api = createClient({ baseUrl: base() });
    const res = await api.GET('/api/v1/orders', {});
    expect(res.response.status).toBe(401);
    expect(res.error?.code).toBe('UNAUTHENTICATED');
    expect(res.error?.type).toBe('/api/errors#unauthenticated');
  });
});
