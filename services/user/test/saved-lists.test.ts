import { ApiError } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { signUp, userForFile } from './helpers.ts';

/** product's answer to `POST /internal/products/lookup`; `productDown` makes it unreachable. */
const catalog: Record<string, object> = {
  'p-shoes': {
    productId: 'p-shoes',
    sellerId: 's-1',
    name: '나이키 에어 운동화',
    price: 129000,
    brand: 'NIKE',
    status: 'APPROVED',
    thumbnailUrl: null,
  },
  'p-bag': {
    productId: 'p-bag',
    sellerId: 's-2',
    name: '가죽 가방',
    price: 89000,
    brand: null,
    status: 'APPROVED',
    thumbnailUrl: 'http://cdn/bag.jpg',
  },
};
let productDown = false;
let lookups = 0;

const svc = userForFile({
  env: { WISHLIST_MAX_ITEMS: '3' },
  invoke: {
    'product POST /internal/products/lookup': (body) => {
      lookups++;
      if (productDown) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'product could not be reached');
      const { productIds } = body as { productIds: string[] };
      return { items: productIds.filter((id) => catalog[id]).map((id) => catalog[id]) };
    },
  },
});

describe('wishlist (찜 목록)', () => {
  it('adds products once, lists them newest first with product data, and removes them', async () => {
    productDown = false;
    const kim = await signUp(svc);
    const first = await svc.call('POST', '/api/v1/users/me/wishlist', {
      token: kim.token,
      body: { productId: 'p-shoes' },
    });
    expect(first.status).toBe(201);
    const again = await svc.call('POST', '/api/v1/users/me/wishlist', {
      token: kim.token,
      body: { productId: 'p-shoes' },
    });
    expect(again.status).toBe(200);
    expect(again.body.at).toBe(first.body.at);
    await svc.call('POST', '/api/v1/users/me/wishlist', { token: kim.token, body: { productId: 'p-bag' } });

    const res = await svc.call('GET', '/api/v1/users/me/wishlist', { token: kim.token });
    expect(res.status).toBe(200);
    expect(res.body.enriched).toBe(true);
    expect(res.body.items.map((i: { productId: string }) => i.productId)).toEqual(['p-bag', 'p-shoes']);
    expect(res.body.items[1].product).toMatchObject({ name: '나이키 에어 운동화', price: 129000 });

    expect((await svc.call('DELETE', '/api/v1/users/me/wishlist/p-bag', { token: kim.token })).status).toBe(
      204,
    );
    const gone = await svc.call('DELETE', '/api/v1/users/me/wishlist/p-bag', { token: kim.token });
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('WISHLIST_ITEM_NOT_FOUND');
  });

  it('refuses a product that product does not know', async () => {
    productDown = false;
    const kim = await signUp(svc);
    const res = await svc.call('POST', '/api/v1/users/me/wishlist', {
      token: kim.token,
      body: { productId: 'p-nothing' },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('keeps working with bare ids when product cannot answer', async () => {
    const kim = await signUp(svc);
    productDown = true;
    const added = await svc.call('POST', '/api/v1/users/me/wishlist', {
      token: kim.token,
      body: { productId: 'p-later' },
    });
    expect(added.status).toBe(201);
    const res = await svc.call('GET', '/api/v1/users/me/wishlist', { token: kim.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enriched: false, items: [{ productId: 'p-later', product: null }] });
    productDown = false;
  });

  it('pages with a cursor and stops at the configured size', async () => {
    productDown = true;
    const kim = await signUp(svc);
    for (const productId of ['a', 'b', 'c'])
      expect(
        (await svc.call('POST', '/api/v1/users/me/wishlist', { token: kim.token, body: { productId } }))
          .status,
      ).toBe(201);
    const full = await svc.call('POST', '/api/v1/users/me/wishlist', {
      token: kim.token,
      body: { productId: 'd' },
    });
    expect(full.status).toBe(422);
    expect(full.body.code).toBe('WISHLIST_FULL');
    const page1 = await svc.call('GET', '/api/v1/users/me/wishlist?limit=2', { token: kim.token });
    const page2 = await svc.call('GET', `/api/v1/users/me/wishlist?limit=2&cursor=${page1.body.nextCursor}`, {
      token: kim.token,
    });
    const ids = [...page1.body.items, ...page2.body.items].map((i: { productId: string }) => i.productId);
    expect(ids.sort()).toEqual(['a', 'b', 'c']);
    expect(page2.body.nextCursor).toBeNull();
    const bad = await svc.call('GET', '/api/v1/users/me/wishlist?cursor=garbage', { token: kim.token });
    expect(bad.status).toBe(400);
    productDown = false;
  });

  it('loses no addition when many are made at once', async () => {
    productDown = true;
    const kim = await signUp(svc);
    await svc.call('POST', '/api/v1/users/me/wishlist', { token: kim.token, body: { productId: 'seed' } });
    await svc.call('DELETE', '/api/v1/users/me/wishlist/seed', { token: kim.token });
    const results = await Promise.all(
      ['x', 'y', 'z'].map((productId) =>
        svc.call('POST', '/api/v1/users/me/wishlist', { token: kim.token, body: { productId } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    const res = await svc.call('GET', '/api/v1/users/me/wishlist', { token: kim.token });
    expect(res.body.items).toHaveLength(3);
    productDown = false;
  });
});

describe('recent views (최근 본 상품)', () => {
  it('keeps the latest view first without duplicates, enriches, and forgets on request', async () => {
    productDown = false;
    const kim = await signUp(svc);
    for (const productId of ['p-shoes', 'p-bag', 'p-shoes'])
      expect(
        (await svc.call('POST', '/api/v1/users/me/recent-views', { token: kim.token, body: { productId } }))
          .status,
      ).toBe(204);
    const res = await svc.call('GET', '/api/v1/users/me/recent-views', { token: kim.token });
    expect(res.body.items.map((i: { productId: string }) => i.productId)).toEqual(['p-shoes', 'p-bag']);
    expect(res.body.items[0].product.name).toBe('나이키 에어 운동화');
    expect((await svc.call('DELETE', '/api/v1/users/me/recent-views', { token: kim.token })).status).toBe(
      204,
    );
    expect((await svc.call('GET', '/api/v1/users/me/recent-views', { token: kim.token })).body.items).toEqual(
      [],
    );
  });

  it("never shows one user another's lists", async () => {
    productDown = false;
    const kim = await signUp(svc);
    const lee = await signUp(svc);
    await svc.call('POST', '/api/v1/users/me/recent-views', {
      token: kim.token,
      body: { productId: 'p-bag' },
    });
    await svc.call('POST', '/api/v1/users/me/wishlist', { token: kim.token, body: { productId: 'p-bag' } });
    expect((await svc.call('GET', '/api/v1/users/me/recent-views', { token: lee.token })).body.items).toEqual(
      [],
    );
    expect((await svc.call('GET', '/api/v1/users/me/wishlist', { token: lee.token })).body.items).toEqual([]);
    expect(lookups).toBeGreaterThan(0);
  });
});
