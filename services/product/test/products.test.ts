import { newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  approve,
  category,
  internal,
  productForFile,
  register,
  sku,
  Upstreams,
} from './helpers.ts';

const up = new Upstreams();
let shoes: string;
let seller: string;
let sellerToken: string;
const svc = productForFile(up);
beforeAll(async () => {
  shoes = await category(svc, '신발');
  seller = up.verifiedSeller();
  sellerToken = await tokenFor(seller, 'seller');
});

const post = (body: unknown, token = sellerToken) => svc.call('POST', '/api/v1/products', { token, body });
const valid = () => ({
  name: '나이키 에어 운동화',
  description: '가볍고 편한 운동화',
  price: 89_000,
  categoryId: shoes,
  brand: '나이키',
  options: [
    { sku: sku(), values: { 색상: '블랙', 사이즈: '260' }, stock: 10, lowStockThreshold: 3 },
    { sku: sku(), values: { 색상: '블랙', 사이즈: '270' }, priceDelta: 2000, stock: 0 },
  ],
});

describe('registering a product', () => {
  it('lists it as PENDING_REVIEW with its options and images, and announces product.created', async () => {
    const image = up.image(seller);
    const body = { ...valid(), imageFileIds: [image] };
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'PENDING_REVIEW',
      sellerId: seller,
      price: 89_000,
      stock: 10,
      stockStatus: 'IN_STOCK',
      thumbnailUrl: `http://cdn.test/files/${image}/thumbnail.webp`,
      categoryPath: [{ id: shoes, name: '신발' }],
      options: [
        {
          sku: body.options[0]!.sku,
          name: '블랙 / 260',
          price: 89_000,
          available: 10,
          stockStatus: 'IN_STOCK',
        },
        { sku: body.options[1]!.sku, price: 91_000, available: 0, stockStatus: 'OUT_OF_STOCK' },
      ],
    });
    const [event] = (await svc.outbox('product.created')).filter((e) => e.data.productId === res.body.id);
    expect(event?.data).toMatchObject({
      sellerId: seller,
      status: 'PENDING_REVIEW',
      stock: 10,
      version: 1,
      imageFileIds: [image],
      categoryPath: [shoes],
      skus: [
        {
          sku: body.options[0]!.sku,
          stock: 10,
          lowStockThreshold: 3,
          optionValues: { 색상: '블랙', 사이즈: '260' },
        },
        { sku: body.options[1]!.sku, stock: 0, priceDelta: 2000 },
      ],
    });
  });

  it('registers once when the same request comes again with the same Idempotency-Key', async () => {
    const body = valid();
    const send = () =>
      svc.call('POST', '/api/v1/products', {
        token: sellerToken,
        body,
        headers: { 'idempotency-key': `reg-${body.options[0]!.sku}` },
      });
    const [first, again] = [await send(), await send()];
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(
      (await svc.outbox('product.created')).filter((e) => e.data.productId === first.body.id),
    ).toHaveLength(1);
  });

  it('makes a single SKU for a product without options', async () => {
    const res = await post({ name: '양말', price: 3000, categoryId: shoes, stock: 50 });
    expect(res.status).toBe(201);
    expect(res.body.options).toHaveLength(1);
    expect(res.body.options[0]).toMatchObject({ name: '기본', available: 50 });
    expect(res.body.options[0].sku).toMatch(/^P[0-9A-F]{10}-1$/);
  });

  it('refuses sellers who are not verified, and buyers', async () => {
    const pending = newId();
    up.sellers.set(pending, 'PENDING');
    const res = await post(valid(), await tokenFor(pending, 'seller'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SELLER_NOT_VERIFIED');
    expect((await post(valid(), await tokenFor(newId(), 'seller'))).status).toBe(403);
    expect((await post(valid(), await tokenFor(newId(), 'buyer'))).status).toBe(403);
    expect((await post(valid())).status).toBe(201);
    expect((await svc.call('POST', '/api/v1/products', { body: valid() })).status).toBe(401);
  });

  it('names each bad field: negative price or stock, price below zero with an option, bad SKU', async () => {
    const res = await post({
      ...valid(),
      price: -1,
      options: [{ sku: 'has space', stock: -5 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'options.0.sku',
      'options.0.stock',
      'price',
    ]);
    const cheap = await post({ ...valid(), price: 1000, options: [{ priceDelta: -1001, stock: 1 }] });
    expect(cheap.status).toBe(400);
    expect(cheap.body.errors).toEqual([
      { path: 'options.0.priceDelta', message: 'the option would cost less than 0원' },
    ]);
    const twice = await post({
      ...valid(),
      options: [
        { sku: 'DUP-1', stock: 1 },
        { sku: 'DUP-1', values: { a: 'b' }, stock: 1 },
      ],
    });
    expect(twice.body.errors[0].path).toBe('options.1.sku');
    expect((await post({ ...valid(), price: 1.5 })).status).toBe(400);
  });

  it('answers an unknown category with 422 naming categoryId', async () => {
    for (const categoryId of [newId(), 'not-a-uuid']) {
      const res = await post({ ...valid(), categoryId });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'CATEGORY_NOT_FOUND', errors: [{ path: 'categoryId' }] });
    }
  });

  it('refuses a SKU another product uses, and writes nothing', async () => {
    const first = valid();
    expect((await post(first)).status).toBe(201);
    const before = (await svc.outbox('product.created')).length;
    const res = await post({
      ...valid(),
      options: [
        { sku: sku(), stock: 1 },
        { sku: first.options[0]!.sku, values: { x: 'y' }, stock: 1 },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'SKU_TAKEN', errors: [{ path: 'options.1.sku' }] });
    expect(await svc.outbox('product.created')).toHaveLength(before);
  });

  it('accepts only ready product images of its own seller', async () => {
    const cases = [
      up.image(newId()),
      up.image(seller, { status: 'PENDING' }),
      up.image(seller, { purpose: 'review-image' }),
      newId(),
    ];
    const res = await post({ ...valid(), imageFileIds: [up.image(seller), ...cases] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMAGE_NOT_USABLE');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'imageFileIds.1',
      'imageFileIds.2',
      'imageFileIds.3',
      'imageFileIds.4',
    ]);
  });
});

describe('a product page', () => {
  it('is hidden until approved, except from its seller and admins', async () => {
    const p = await register(svc, seller, valid());
    const path = `/api/v1/products/${p.id}`;
    expect((await svc.call('GET', path)).status).toBe(404);
    expect((await svc.call('GET', path, { token: await tokenFor(newId(), 'seller') })).status).toBe(404);
    expect((await svc.call('GET', path, { token: sellerToken })).body.status).toBe('PENDING_REVIEW');
    expect((await svc.call('GET', path, { token: await adminToken() })).status).toBe(200);
    await approve(svc, p.id);
    const pub = await svc.call('GET', path);
    expect(pub.status).toBe(200);
    expect(pub.body).not.toHaveProperty('rejectionReason');
    expect((await svc.call('GET', '/api/v1/products/not-an-id')).status).toBe(404);
  });

  it("puts the product at the front of a signed-in viewer's recent views, and counts the view once", async () => {
    const p = await approve(svc, (await register(svc, seller, valid())).id);
    const buyer = newId();
    const token = await tokenFor(buyer, 'buyer');
    const other = await approve(svc, (await register(svc, seller, valid())).id);
    await svc.call('GET', `/api/v1/products/${p.id}`, { token });
    await svc.call('GET', `/api/v1/products/${other.id}`, { token });
    const again = await svc.call('GET', `/api/v1/products/${p.id}`, { token });
    expect(again.body.viewCount).toBe(1);
    const views = await svc.dapr.getState<{ items: { productId: string }[] }>(
      'productviews',
      `recent-views:${buyer}`,
    );
    expect(views.value?.items.map((i) => i.productId)).toEqual([p.id, other.id]);
    await svc.call('GET', `/api/v1/products/${p.id}`);
    expect(
      (await svc.call('GET', `/api/v1/products/${p.id}`, { token: await tokenFor(newId(), 'buyer') })).body
        .viewCount,
    ).toBe(2);
    // Each counted view (not the repeat within half an hour) tells stats, with its seller and category.
    const viewed = (await svc.outbox('product.viewed')).filter((e) => e.data.productId === p.id);
    expect(viewed.map((e) => e.data)).toEqual([
      expect.objectContaining({ userId: buyer, sellerId: seller, categoryId: shoes }),
      expect.objectContaining({ sellerId: seller }),
    ]);
  });
});

describe('changing a product', () => {
  it('lets its seller change it and announces the changed fields with a new version', async () => {
    const p = await register(svc, seller, valid());
    const res = await svc.call('PATCH', `/api/v1/products/${p.id}`, {
      token: sellerToken,
      body: { name: '나이키 에어 운동화 2025', price: 79_000, brand: null },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: '나이키 에어 운동화 2025',
      price: 79_000,
      brand: null,
      version: 2,
    });
    const [event] = (await svc.outbox('product.updated')).filter((e) => e.data.productId === p.id);
    expect(event?.data).toMatchObject({ version: 2, changes: ['name', 'brand', 'price'] });
    expect(event?.data).not.toHaveProperty('skus');
  });

  it("answers another seller's product with 404 and leaves it alone; an admin may change it", async () => {
    const p = await register(svc, seller, valid());
    const other = await tokenFor(up.verifiedSeller(), 'seller');
    const res = await svc.call('PATCH', `/api/v1/products/${p.id}`, { token: other, body: { price: 1 } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('PRODUCT_NOT_FOUND');
    expect((await svc.call('DELETE', `/api/v1/products/${p.id}`, { token: other })).status).toBe(404);
    const admin = await svc.call('PATCH', `/api/v1/products/${p.id}`, {
      token: await adminToken(),
      body: { price: 5000 },
    });
    expect(admin.body.price).toBe(5000);
  });

  it('adds and removes options: new SKUs come with their stock, removed ones stop selling', async () => {
    const body = valid();
    const p = await register(svc, seller, body);
    const added = sku();
    const res = await svc.call('PATCH', `/api/v1/products/${p.id}`, {
      token: sellerToken,
      body: {
        options: [
          {
            sku: body.options[1]!.sku,
            values: { 색상: '블랙', 사이즈: '270' },
            priceDelta: 1000,
            stock: 999,
          },
          { sku: added, values: { 색상: '화이트', 사이즈: '260' }, stock: 4 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(
      res.body.options.map((o: { sku: string; available: number; price: number }) => [
        o.sku,
        o.available,
        o.price,
      ]),
    ).toEqual([
      [body.options[1]!.sku, 0, 90_000],
      [added, 4, 89_000],
    ]);
    const [event] = (await svc.outbox('product.updated')).filter((e) => e.data.productId === p.id);
    expect(event?.data.skus).toEqual([
      {
        sku: body.options[1]!.sku,
        optionValues: { 색상: '블랙', 사이즈: '270' },
        priceDelta: 1000,
        stock: 0,
        active: true,
      },
      { sku: added, optionValues: { 색상: '화이트', 사이즈: '260' }, priceDelta: 0, stock: 4, active: true },
      {
        sku: body.options[0]!.sku,
        optionValues: { 색상: '블랙', 사이즈: '260' },
        priceDelta: 0,
        stock: 10,
        active: false,
      },
    ]);
  });

  it('refuses a price that would make an option cost less than nothing', async () => {
    const p = await register(svc, seller, { ...valid(), options: [{ priceDelta: -5000, stock: 1 }] });
    const res = await svc.call('PATCH', `/api/v1/products/${p.id}`, {
      token: sellerToken,
      body: { price: 4000 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('price');
  });

  it('sends a rejected product back to review when its seller fixes it', async () => {
    const p = await register(svc, seller, valid());
    const rejected = await svc.call('PATCH', `/internal/products/${p.id}/reject`, {
      body: { adminId: newId(), reason: '상품명에 금지어가 있습니다' },
      headers: internal,
    });
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      rejectionReason: '상품명에 금지어가 있습니다',
    });
    const fixed = await svc.call('PATCH', `/api/v1/products/${p.id}`, {
      token: sellerToken,
      body: { name: '운동화' },
    });
    expect(fixed.body.status).toBe('PENDING_REVIEW');
    const [event] = (await svc.outbox('product.updated')).filter((e) => e.data.productId === p.id);
    expect(event?.data.changes).toEqual(['name', 'status']);
  });

  it('deletes a product: it leaves every listing and product.deleted says so', async () => {
    const p = await approve(svc, (await register(svc, seller, valid())).id);
    expect((await svc.call('DELETE', `/api/v1/products/${p.id}`, { token: sellerToken })).status).toBe(204);
    expect((await svc.call('GET', `/api/v1/products/${p.id}`, { token: sellerToken })).status).toBe(404);
    expect((await svc.call('DELETE', `/api/v1/products/${p.id}`, { token: sellerToken })).status).toBe(404);
    const [event] = (await svc.outbox('product.deleted')).filter((e) => e.data.productId === p.id);
    expect(event?.data).toMatchObject({ sellerId: seller, version: p.version + 1 });
  });

  it("lists a seller's own products in every status", async () => {
    const s = up.verifiedSeller();
    const a = await register(svc, s, valid());
    const b = await approve(svc, (await register(svc, s, valid())).id);
    const token = await tokenFor(s, 'seller');
    const page1 = await svc.call('GET', '/api/v1/products/mine?limit=1', { token });
    const page2 = await svc.call('GET', `/api/v1/products/mine?limit=1&cursor=${page1.body.nextCursor}`, {
      token,
    });
    expect([...page1.body.items, ...page2.body.items].map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
    expect(page2.body.nextCursor).toBeNull();
    const pending = await svc.call('GET', '/api/v1/products/mine?status=PENDING_REVIEW', { token });
    expect(pending.body.items.map((p: { id: string }) => p.id)).toEqual([a.id]);
  });
});
