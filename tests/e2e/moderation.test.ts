/**
 * Moderation that holds: a seller's edit of an approved product waits for an admin while the
 * approved version keeps selling (page, search, order quotes); approval puts the edit on sale.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually } from './lib.ts';
import { address, buyer, category, type Listed, listedProduct, verifiedSeller } from './ordering-lib.ts';

let admin: string;
let shoe: Listed;
/** The edit's new name, unique to this run: search finds it among every earlier run's products. */
const renewed = `심사 운동화 리뉴얼 ${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  admin = await adminToken();
  const seller = await verifiedSeller(admin);
  shoe = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: `심사 운동화 ${randomUUID().slice(0, 6)}`,
    price: 50_000,
    stock: 20,
  });
});

/** The seller's in-app message of a template, about this product (its approved name). */
const toldSeller = (template: string) =>
  eventually(
    async () =>
      (await api('GET', '/api/v1/notifications', { token: shoe.seller.token })).body.items?.find(
        (i: { template: string }) => i.template === template,
      ),
    30_000,
    `the seller's ${template} message`,
  );

async function order(token: string) {
  const res = await api('POST', '/api/v1/orders', {
    token,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      shippingAddress: address,
      paymentMethod: 'card',
      items: [{ productId: shoe.productId, sku: shoe.sku, quantity: 1 }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("an approved product's edit is held for review", () => {
  it('the old version sells until an admin approves the edit; then the new one does', async () => {
    const edited = await api('PATCH', `/api/v1/products/${shoe.productId}`, {
      token: shoe.seller.token,
      body: { price: 65_000, name: renewed },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ price: 50_000, revision: { status: 'PENDING' } });
    const revisionId = edited.body.revision.id as string;
    // The seller is told the edit waits for review.
    expect((await toldSeller('product-revision-held')).title).toBe('상품 수정 내용이 심사 중입니다');

    // The review queue on the dashboard and in the admin's list.
    const dashboard = await api('GET', '/api/v1/admin/dashboard', { token: admin });
    expect(dashboard.body.reviewQueue.status).toBe('OK');
    expect(dashboard.body.reviewQueue.data.revisions.count).toBeGreaterThanOrEqual(1);
    expect(dashboard.body.lowStock.status).toBe('OK');
    const queue = await api('GET', '/api/v1/admin/product-revisions?limit=100', { token: admin });
    expect(queue.body.items.map((r: { id: string }) => r.id)).toContain(revisionId);

    // A buyer sees and pays the approved version.
    const who = await buyer();
    const page = await api('GET', `/api/v1/products/${shoe.productId}`, { token: who.token });
    expect(page.body).toMatchObject({ price: 50_000 });
    expect(page.body.name).not.toBe(renewed);
    const before = await order(who.token);
    expect(before).toMatchObject({ totalAmount: 50_000 });

    const approved = await api('PATCH', `/api/v1/admin/product-revisions/${revisionId}/approve`, {
      token: admin,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ price: 65_000, name: renewed });
    await toldSeller('product-revision-approved');

    const after = await order(who.token);
    expect(after).toMatchObject({ totalAmount: 65_000 });
    // Search follows product.updated.
    await eventually(
      async () => {
        const found = await api('GET', `/api/v1/search?q=${encodeURIComponent(renewed)}`);
        const hits: { productId: string; price: number }[] = found.body.items ?? [];
        return hits.some((i) => i.productId === shoe.productId && i.price === 65_000);
      },
      20_000,
      'search shows the approved edit',
    );
  });

  it('an order is found through the order search: by its id for the admin, by its product name for its seller', async () => {
    const who = await buyer();
    const placed = await order(who.token);
    const byId = await eventually(
      async () => {
        const res = await api('GET', `/api/v1/search/orders?q=${placed.id}`, { token: admin });
        return res.body.items?.[0];
      },
      20_000,
      'the admin finds the order by its id',
    );
    expect(byId).toMatchObject({ orderId: placed.id, status: 'PENDING_PAYMENT', userId: who.id });
    const bySeller = await api(
      'GET',
      `/api/v1/search/orders?q=${encodeURIComponent('심사 운동화')}&limit=100`,
      {
        token: shoe.seller.token,
      },
    );
    expect(bySeller.body.items.map((i: { orderId: string }) => i.orderId)).toContain(placed.id);
    expect((await api('GET', '/api/v1/search/orders', { token: who.token })).status).toBe(403);
  });

  it('a rejected edit leaves the approved version on sale and tells the seller why', async () => {
    const edited = await api('PATCH', `/api/v1/products/${shoe.productId}`, {
      token: shoe.seller.token,
      body: { description: '세계 최고 100% 보장' },
    });
    const rejected = await api('PATCH', `/api/v1/admin/product-revisions/${edited.body.revision.id}/reject`, {
      token: admin,
      body: { reason: '과장 광고' },
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const mine = await api('GET', `/api/v1/products/${shoe.productId}`, { token: shoe.seller.token });
    expect(mine.body.description).not.toBe('세계 최고 100% 보장');
    expect(mine.body.revision).toMatchObject({ status: 'REJECTED', rejectionReason: '과장 광고' });
    expect((await toldSeller('product-revision-rejected')).body).toContain('과장 광고');
  });
});
