import { newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  category,
  internal,
  onSale,
  productForFile,
  register,
  sku,
  Upstreams,
} from './helpers.ts';

const up = new Upstreams();
let seller: string;
const svc = productForFile(up);
beforeAll(async () => {
  seller = up.verifiedSeller();
});

describe('the category tree (admin-managed)', () => {
  it('nests categories and serves them as a tree', async () => {
    const root = await category(svc, '패션의류');
    const child = await category(svc, '여성의류', root);
    const grandchild = await category(svc, '원피스', child);
    const res = await svc.call('GET', '/api/v1/categories');
    const node = res.body.items.find((c: { id: string }) => c.id === root);
    expect(node).toMatchObject({
      name: '패션의류',
      depth: 0,
      children: [{ id: child, children: [{ id: grandchild, depth: 2 }] }],
    });
  });

  it('is changed by admins only, with sibling names unique and unknown parents refused', async () => {
    const seller = await tokenFor(newId(), 'seller');
    expect(
      (await svc.call('POST', '/api/v1/categories', { token: seller, body: { name: '가전' } })).status,
    ).toBe(403);
    expect((await svc.call('POST', '/api/v1/categories', { body: { name: '가전' } })).status).toBe(401);
    const admin = await adminToken();
    const root = await category(svc, '가전디지털');
    const dup = await svc.call('POST', '/api/v1/categories', { token: admin, body: { name: '가전디지털' } });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].path).toBe('name');
    const orphan = await svc.call('POST', '/api/v1/categories', {
      token: admin,
      body: { name: 'x', parentId: newId() },
    });
    expect(orphan.status).toBe(422);
    expect(orphan.body.errors[0].path).toBe('parentId');
    const empty = await svc.call('POST', '/api/v1/categories', { token: admin, body: { name: ' ' } });
    expect(empty.body.errors[0].path).toBe('name');
    const renamed = await svc.call('PATCH', `/api/v1/categories/${root}`, {
      token: admin,
      body: { name: '가전·디지털', sortOrder: 3 },
    });
    expect(renamed.body).toMatchObject({ name: '가전·디지털', sortOrder: 3 });
  });

  it('removes only empty categories', async () => {
    const admin = await adminToken();
    const root = await category(svc);
    const leaf = await category(svc, '잎', root);
    await register(svc, seller, { name: '상품', price: 1000, categoryId: leaf, stock: 1 });
    expect((await svc.call('DELETE', `/api/v1/categories/${root}`, { token: admin })).body.code).toBe(
      'CATEGORY_NOT_EMPTY',
    );
    expect((await svc.call('DELETE', `/api/v1/categories/${leaf}`, { token: admin })).status).toBe(409);
    const lonely = await category(svc);
    expect((await svc.call('DELETE', `/api/v1/categories/${lonely}`, { token: admin })).status).toBe(204);
    expect((await svc.call('DELETE', `/api/v1/categories/${lonely}`, { token: admin })).status).toBe(404);
  });
});

describe('the public listing', () => {
  let top: string;
  let running: string;
  let hiking: string;
  let ids: Record<string, string>;
  beforeAll(async () => {
    top = await category(svc, '스포츠');
    running = await category(svc, '러닝화', top);
    hiking = await category(svc, '등산화', top);
    const make = async (name: string, price: number, categoryId: string, brand: string) =>
      (await onSale(svc, seller, categoryId, { name, price, brand, options: [{ sku: sku(), stock: 3 }] }))
        .id as string;
    ids = {
      a: await make('러닝화 A', 50_000, running, '나이키'),
      b: await make('러닝화 B', 70_000, running, '아디다스'),
      c: await make('등산화 C', 120_000, hiking, '나이키'),
      d: await make('등산화 D', 90_000, hiking, 'K2'),
    };
    // Not on sale: pending review.
    await register(svc, seller, { name: '러닝화 E', price: 10_000, categoryId: running, stock: 1 });
  });

  const names = async (qs: string) => {
    const res = await svc.call('GET', `/api/v1/products?${qs}`);
    expect(res.status).toBe(200);
    return res.body.items.map((p: { name: string }) => p.name);
  };

  it('filters by category subtree, price range and brand, approved products only', async () => {
    expect(await names(`categoryId=${top}`)).toEqual(['등산화 D', '등산화 C', '러닝화 B', '러닝화 A']);
    expect(await names(`categoryId=${running}`)).toEqual(['러닝화 B', '러닝화 A']);
    expect(await names(`categoryId=${top}&minPrice=60000&maxPrice=100000`)).toEqual(['등산화 D', '러닝화 B']);
    expect(await names(`categoryId=${top}&brand=${encodeURIComponent('나이키')}`)).toEqual([
      '등산화 C',
      '러닝화 A',
    ]);
    expect(await names(`categoryId=${newId()}`)).toEqual([]);
  });

  it('sorts by price both ways and by popularity', async () => {
    expect(await names(`categoryId=${top}&sort=price_asc`)).toEqual([
      '러닝화 A',
      '러닝화 B',
      '등산화 D',
      '등산화 C',
    ]);
    expect(await names(`categoryId=${top}&sort=price_desc`)).toEqual([
      '등산화 C',
      '등산화 D',
      '러닝화 B',
      '러닝화 A',
    ]);
    const buyer = await tokenFor(newId(), 'buyer');
    await svc.call('GET', `/api/v1/products/${ids.b}`, { token: buyer });
    expect((await names(`categoryId=${top}&sort=popular`))[0]).toBe('러닝화 B');
  });

  it('pages by keyset, so rows added or re-priced meanwhile never repeat or go missing', async () => {
    const first = await svc.call('GET', `/api/v1/products?categoryId=${top}&sort=price_asc&limit=2`);
    expect(first.body.items.map((p: { name: string }) => p.name)).toEqual(['러닝화 A', '러닝화 B']);
    // Meanwhile: a cheaper product appears (before the cursor) and A is re-priced above the rest.
    await onSale(svc, seller, running, {
      name: '러닝화 F',
      price: 1000,
      options: [{ sku: sku(), stock: 1 }],
    });
    await svc.call('PATCH', `/api/v1/products/${ids.a}`, {
      token: await adminToken(),
      body: { price: 500_000 },
    });
    const second = await svc.call(
      'GET',
      `/api/v1/products?categoryId=${top}&sort=price_asc&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((p: { name: string }) => p.name)).toEqual(['등산화 D', '등산화 C']);
    const third = await svc.call(
      'GET',
      `/api/v1/products?categoryId=${top}&sort=price_asc&limit=2&cursor=${second.body.nextCursor}`,
    );
    expect(third.body.items.map((p: { name: string }) => p.name)).toEqual(['러닝화 A']);
    expect(third.body.nextCursor).toBeNull();
  });

  it('answers a bad cursor, or one of another order, with 400 naming cursor', async () => {
    const bad = await svc.call('GET', '/api/v1/products?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('cursor');
    const page = await svc.call('GET', `/api/v1/products?categoryId=${top}&limit=1`);
    const other = await svc.call('GET', `/api/v1/products?sort=price_asc&cursor=${page.body.nextCursor}`);
    expect(other.status).toBe(400);
    expect((await svc.call('GET', '/api/v1/products?minPrice=-1')).body.errors[0].path).toBe('minPrice');
    expect((await svc.call('GET', '/api/v1/products?sort=cheapest')).body.errors[0].path).toBe('sort');
  });
});

describe('quote and lookup (POST /internal/products/quote and /lookup)', () => {
  it('prices each line in request order with its SKU delta', async () => {
    const cat = await category(svc);
    const [s1, s2] = [sku(), sku()];
    const p = await onSale(svc, seller, cat, {
      price: 30_000,
      options: [
        { sku: s1, values: { 색상: '레드' }, stock: 5 },
        { sku: s2, values: { 색상: '블루' }, priceDelta: 1500, stock: 5 },
      ],
    });
    const res = await svc.call('POST', '/internal/products/quote', {
      body: {
        items: [
          { productId: p.id, sku: s2, quantity: 2 },
          { productId: p.id, sku: s1, quantity: 1 },
        ],
      },
      headers: internal,
    });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        productId: p.id,
        sku: s2,
        sellerId: seller,
        name: p.name,
        optionValues: { 색상: '블루' },
        unitPrice: 31_500,
      },
      {
        productId: p.id,
        sku: s1,
        sellerId: seller,
        name: p.name,
        optionValues: { 색상: '레드' },
        unitPrice: 30_000,
      },
    ]);
  });

  it('answers unknown products or SKUs with 404 and unavailable ones with 409, naming the line', async () => {
    const cat = await category(svc);
    const s = sku();
    const live = await onSale(svc, seller, cat, { options: [{ sku: s, stock: 1 }] });
    const pendingSku = sku();
    const pending = await register(svc, seller, {
      name: 'x',
      price: 1,
      categoryId: cat,
      options: [{ sku: pendingSku, stock: 1 }],
    });
    const quote = (items: unknown[]) =>
      svc.call('POST', '/internal/products/quote', { body: { items }, headers: internal });
    const unknown = await quote([
      { productId: live.id, sku: s, quantity: 1 },
      { productId: live.id, sku: 'NOPE', quantity: 1 },
      { productId: pending.id, sku: s, quantity: 1 },
    ]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PRODUCT_NOT_FOUND');
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['items.1', 'items.2']);
    const unavailable = await quote([
      { productId: live.id, sku: s, quantity: 1 },
      { productId: pending.id, sku: pendingSku, quantity: 1 },
    ]);
    expect(unavailable.status).toBe(409);
    expect(unavailable.body).toMatchObject({ code: 'PRODUCT_UNAVAILABLE', errors: [{ path: 'items.1' }] });
    await svc.call('DELETE', `/api/v1/products/${live.id}`, { token: await tokenFor(seller, 'seller') });
    expect((await quote([{ productId: live.id, sku: s, quantity: 1 }])).status).toBe(409);
  });

  it('looks products up by id and leaves unknown ids out', async () => {
    const cat = await category(svc);
    const image = up.image(seller);
    const p = await onSale(svc, seller, cat, { imageFileIds: [image] });
    const res = await svc.call('POST', '/internal/products/lookup', {
      body: { productIds: [p.id, newId(), 'garbage'] },
      headers: internal,
    });
    expect(res.body.items).toEqual([
      {
        productId: p.id,
        sellerId: seller,
        name: p.name,
        price: p.price,
        brand: p.brand,
        status: 'APPROVED',
        thumbnailUrl: `http://cdn.test/files/${image}/thumbnail.webp`,
      },
    ]);
    const tooMany = await svc.call('POST', '/internal/products/lookup', {
      body: { productIds: Array.from({ length: 101 }, () => newId()) },
      headers: internal,
    });
    expect(tooMany.status).toBe(400);
    expect((await svc.call('POST', '/internal/products/lookup', { body: { productIds: [] } })).status).toBe(
      403,
    );
  });
});

describe('review by an admin (through the admin service)', () => {
  it('approves once, announcing product.approved with the thumbnail made since registration', async () => {
    const cat = await category(svc);
    const image = up.image(seller, { variants: {} });
    const p = await register(svc, seller, {
      name: '가방',
      price: 1000,
      categoryId: cat,
      stock: 1,
      imageFileIds: [image],
    });
    expect(p.thumbnailUrl).toBe(`http://cdn.test/files/${image}/original.png`);
    up.files.get(image)!.variants = { thumbnail: `http://cdn.test/files/${image}/thumbnail.webp` };
    const approve = () =>
      svc.call('PATCH', `/internal/products/${p.id}/approve`, {
        body: { adminId: 'admin-1' },
        headers: internal,
      });
    const res = await approve();
    expect(res.body).toMatchObject({
      status: 'APPROVED',
      thumbnailUrl: `http://cdn.test/files/${image}/thumbnail.webp`,
    });
    expect((await approve()).status).toBe(200);
    const events = (await svc.outbox('product.approved')).filter((e) => e.data.productId === p.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ approvedBy: 'admin-1', status: 'APPROVED', version: 2 });
  });

  it('rejects with a reason, and serves the review queue oldest first', async () => {
    const cat = await category(svc);
    const a = await register(svc, seller, { name: 'A', price: 1, categoryId: cat, stock: 1 });
    const b = await register(svc, seller, { name: 'B', price: 1, categoryId: cat, stock: 1 });
    const queue = await svc.call('GET', '/internal/products?status=PENDING_REVIEW&limit=100', {
      headers: internal,
    });
    const order = queue.body.items.map((p: { id: string }) => p.id);
    expect(order.indexOf(a.id)).toBeLessThan(order.indexOf(b.id));
    const noReason = await svc.call('PATCH', `/internal/products/${a.id}/reject`, {
      body: { adminId: 'x', reason: '' },
      headers: internal,
    });
    expect(noReason.body.errors[0].path).toBe('reason');
    await svc.call('PATCH', `/internal/products/${a.id}/reject`, {
      body: { adminId: 'x', reason: '이미지 불량' },
      headers: internal,
    });
    const [rejected] = (await svc.outbox('product.rejected')).filter((e) => e.data.productId === a.id);
    expect(rejected?.data).toMatchObject({ reason: '이미지 불량', status: 'REJECTED' });
    const missing = await svc.call('PATCH', `/internal/products/${newId()}/approve`, {
      body: { adminId: 'x' },
      headers: internal,
    });
    expect(missing.status).toBe(404);
  });
});
