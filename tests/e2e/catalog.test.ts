/**
 * Product registration and low stock, through the gateway and real Dapr:
 * a verified seller registers a product with an image → pending → approved → found by a Korean
 * search and in the listing with its thumbnail → stock adjusted below the threshold →
 * inventory.low_stock in the admin monitor and the product flagged 품절임박.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually, login, monitored, uniqueEmail } from './lib.ts';

/** A random 사업자등록번호 with a valid check digit. */
function businessNumber(): string {
  const d = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10));
  const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const sum = weights.reduce((s, w, i) => s + w * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
  return [...d, (10 - (sum % 10)) % 10].join('');
}

async function verifiedSeller(admin: string) {
  const email = uniqueEmail('seller');
  const password = 'correct horse battery';
  const signup = await api('POST', '/api/v1/users', {
    body: { email, password, name: '김판매', role: 'seller' },
  });
  expect(signup.status).toBe(201);
  const token = await login(email, password);
  const apply = await api('POST', '/api/v1/sellers', {
    token,
    body: {
      storeName: `달리기상점 ${randomUUID().slice(0, 6)}`,
      businessNumber: businessNumber(),
      representative: '김판매',
      mailOrderNumber: '2025-서울강남-01234',
    },
  });
  expect(apply.status, JSON.stringify(apply.body)).toBe(201);
  expect(apply.body.status).toBe('PENDING');
  const approved = await api('POST', `/api/v1/admin/sellers/${signup.body.id}/approve`, { token: admin });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return { id: signup.body.id as string, token };
}

/** The seller uploads a product photo the way a client does: ask, PUT to storage, complete. */
async function uploadPhoto(token: string) {
  const bytes = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#e4572e' } })
    .png()
    .toBuffer();
  const start = await api('POST', '/api/v1/files/uploads', {
    token,
    body: {
      filename: '에어운동화.png',
      contentType: 'image/png',
      size: bytes.length,
      purpose: 'product-image',
    },
  });
  expect(start.status, JSON.stringify(start.body)).toBe(201);
  const put = await fetch(start.body.uploadUrl, {
    method: start.body.method,
    headers: start.body.headers,
    body: new Uint8Array(bytes),
  });
  expect(put.status).toBe(200);
  const done = await api('POST', `/api/v1/files/${start.body.fileId}/complete`, { token });
  expect(done.body.status).toBe('READY');
  // The resize worker makes the thumbnail shortly after completion.
  const file = await eventually(
    async () => {
      const f = await api('GET', `/api/v1/files/${start.body.fileId}`, { token });
      return f.body.variants?.thumbnail ? f.body : undefined;
    },
    20_000,
    'the thumbnail',
  );
  return { fileId: start.body.fileId as string, thumbnail: file.variants.thumbnail as string };
}

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

describe('product registration and low stock', () => {
  it('takes a product from registration to search, listing and the 품절임박 flag', async () => {
    const seller = await verifiedSeller(admin);
    const photo = await uploadPhoto(seller.token);
    const category = await api('POST', '/api/v1/categories', {
      token: admin,
      body: { name: `러닝화 ${randomUUID().slice(0, 6)}` },
    });
    expect(category.status).toBe(201);

    // Registration: pending review, invisible to the public.
    const tag = `런${randomUUID().replace(/\D/g, '').slice(0, 6)}`;
    const sku = `E2E-${randomUUID().slice(0, 8)}`;
    const correlationId = `e2e-catalog-${randomUUID()}`;
    const created = await api('POST', '/api/v1/products', {
      token: seller.token,
      headers: { 'x-correlation-id': correlationId },
      body: {
        name: `${tag} 가벼운 에어운동화`,
        description: '발이 편한 러닝화',
        price: 79_000,
        categoryId: category.body.id,
        brand: '달리기',
        options: [{ sku, values: { 사이즈: '260' }, stock: 10, lowStockThreshold: 5 }],
        imageFileIds: [photo.fileId],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const productId = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'PENDING_REVIEW', thumbnailUrl: photo.thumbnail });
    expect((await api('GET', `/api/v1/products/${productId}`)).status).toBe(404);
    const queue = await api('GET', '/api/v1/admin/products?limit=100', { token: admin });
    expect(queue.body.items.map((p: { id: string }) => p.id)).toContain(productId);

    // Inventory takes the initial stock from product.created.
    const stock = await eventually(
      async () => {
        const s = await api('GET', `/api/v1/inventory/${sku}`, { token: seller.token });
        return s.status === 200 ? s.body : undefined;
      },
      20_000,
      'the initial stock',
    );
    expect(stock).toMatchObject({ sku, productId, onHand: 10, reserved: 0, available: 10, threshold: 5 });

    // Approval by an admin, through the admin service.
    const approved = await api('PATCH', `/api/v1/admin/products/${productId}/approve`, { token: admin });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('APPROVED');

    // Found by a Korean query inside a word and across spacing, with its thumbnail.
    const hit = await eventually(
      async () => {
        const res = await api('GET', `/api/v1/search?q=${encodeURIComponent(`${tag} 에어 운동화`)}`);
        return res.body.items?.find((h: { productId: string }) => h.productId === productId);
      },
      20_000,
      'the product in search',
    );
    expect(hit).toMatchObject({
      name: `${tag} 가벼운 에어운동화`,
      price: 79_000,
      thumbnailUrl: photo.thumbnail,
      stockStatus: 'IN_STOCK',
    });
    const inside = await api('GET', `/api/v1/search?q=${encodeURIComponent(`${tag} 운동화`)}`);
    expect(inside.body.items.map((h: { productId: string }) => h.productId)).toContain(productId);

    // And in the category listing, with a thumbnail that serves a resized image.
    const listing = await api('GET', `/api/v1/products?categoryId=${category.body.id}`);
    expect(listing.body.items).toEqual([
      expect.objectContaining({ id: productId, thumbnailUrl: photo.thumbnail }),
    ]);
    const thumb = await fetch(photo.thumbnail);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    // Low stock: the seller ships 7 out; 3 left is below the threshold of 5.
    const adjustId = `e2e-lowstock-${randomUUID()}`;
    const adjusted = await api('POST', `/api/v1/inventory/${sku}/adjustments`, {
      token: seller.token,
      headers: { 'x-correlation-id': adjustId },
      body: { delta: -7, reason: 'OUTBOUND', note: '오프라인 매장 출고' },
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
    expect(adjusted.body.stock).toMatchObject({ onHand: 3, available: 3, stockStatus: 'LOW_STOCK' });

    const [lowStock] = await eventually(
      async () => {
        const items = await monitored(admin, { type: 'inventory.low_stock', correlationId: adjustId });
        return items.length ? items : undefined;
      },
      20_000,
      'inventory.low_stock in the monitor',
    );
    expect(lowStock).toMatchObject({ eventType: 'inventory.low_stock', valid: true, deadLetter: false });
    const page = await eventually(
      async () => {
        const p = await api('GET', `/api/v1/products/${productId}`);
        return p.body.stockStatus === 'LOW_STOCK' ? p.body : undefined;
      },
      20_000,
      'the 품절임박 flag on the product',
    );
    expect(page).toMatchObject({ stock: 3, options: [{ sku, available: 3, stockStatus: 'LOW_STOCK' }] });
    // Search hears of it too (product.stock.changed).
    await eventually(
      async () => {
        const res = await api('GET', `/api/v1/search?q=${encodeURIComponent(tag)}`);
        return res.body.items?.find(
          (h: { productId: string; stockStatus: string }) =>
            h.productId === productId && h.stockStatus === 'LOW_STOCK',
        );
      },
      20_000,
      'the flag in search',
    );

    // The admin monitor saw the registration flow's events under the seller's correlation id.
    const flow = await monitored(admin, { correlationId });
    expect(flow.map((e) => e.eventType)).toContain('product.created');
    expect((await monitored(admin, { type: 'product.approved' })).length).toBeGreaterThan(0);
  });
});
