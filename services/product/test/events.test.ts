import { randomUUID } from 'node:crypto';
import { newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishPopularity } from '../src/domain/popularity.ts';
import { category, deliver, internal, onSale, productForFile, register, sku, Upstreams } from './helpers.ts';

const up = new Upstreams();
let seller: string;
let cat: string;
const svc = productForFile(up);
beforeAll(async () => {
  seller = up.verifiedSeller();
  cat = await category(svc);
});

const adjusted = (
  productId: string,
  s: string,
  available: number,
  version: number,
  stockStatus: 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK',
) => ({
  productId,
  sku: s,
  delta: 0,
  reason: 'OUTBOUND' as const,
  onHand: available,
  reserved: 0,
  available,
  adjustedBy: 'seller',
  adjustedAt: new Date().toISOString(),
  version,
  stockStatus,
});
const page = async (id: string) => (await svc.call('GET', `/api/v1/products/${id}`)).body;

describe('display stock and the 품절임박/품절 flag on low stock', () => {
  it('follows inventory news, flags 품절임박 on low stock, and tells search once per change', async () => {
    const s = sku();
    const p = await onSale(svc, seller, cat, { options: [{ sku: s, stock: 10 }] });
    expect(await deliver(svc, 'inventory.adjusted', adjusted(p.id, s, 8, 2, 'IN_STOCK'))).toBe('SUCCESS');
    expect(
      await deliver(svc, 'inventory.low_stock', {
        productId: p.id,
        sku: s,
        currentStock: 2,
        threshold: 5,
        version: 3,
      }),
    ).toBe('SUCCESS');
    expect(await page(p.id)).toMatchObject({
      stock: 2,
      stockStatus: 'LOW_STOCK',
      options: [{ available: 2, stockStatus: 'LOW_STOCK' }],
    });
    // The adjusted news of the same change arrives after the alert: nothing changes.
    await deliver(svc, 'inventory.adjusted', adjusted(p.id, s, 2, 3, 'LOW_STOCK'));
    await deliver(svc, 'inventory.out_of_stock', {
      productId: p.id,
      sku: s,
      at: new Date().toISOString(),
      version: 4,
    });
    expect(await page(p.id)).toMatchObject({ stock: 0, stockStatus: 'OUT_OF_STOCK' });
    const changes = (await svc.outbox('product.stock.changed')).filter((e) => e.data.productId === p.id);
    expect(changes.map((e) => [e.data.previousStock, e.data.currentStock, e.data.stockStatus])).toEqual([
      [10, 8, 'IN_STOCK'],
      [8, 2, 'LOW_STOCK'],
      [2, 0, 'OUT_OF_STOCK'],
    ]);
    const versions = changes.map((e) => e.data.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('ignores stale stock news that arrives late', async () => {
    const s = sku();
    const p = await onSale(svc, seller, cat, { options: [{ sku: s, stock: 10 }] });
    await deliver(svc, 'inventory.adjusted', adjusted(p.id, s, 3, 5, 'LOW_STOCK'));
    await deliver(svc, 'inventory.adjusted', adjusted(p.id, s, 9, 4, 'IN_STOCK'));
    expect(await page(p.id)).toMatchObject({ stock: 3, stockStatus: 'LOW_STOCK' });
  });

  it('flags a product with options 품절임박 only when no option is comfortably in stock', async () => {
    const [a, b] = [sku(), sku()];
    const p = await onSale(svc, seller, cat, {
      options: [
        { sku: a, values: { 사이즈: 'S' }, stock: 10 },
        { sku: b, values: { 사이즈: 'M' }, stock: 10 },
      ],
    });
    await deliver(svc, 'inventory.adjusted', adjusted(p.id, a, 0, 2, 'OUT_OF_STOCK'));
    expect((await page(p.id)).stockStatus).toBe('IN_STOCK');
    await deliver(svc, 'inventory.adjusted', adjusted(p.id, b, 1, 2, 'LOW_STOCK'));
    expect(await page(p.id)).toMatchObject({ stock: 1, stockStatus: 'LOW_STOCK' });
  });
});

describe('ratings, sales and popularity', () => {
  it('keeps the average exact through reviews written, edited and deleted, in any order', async () => {
    const p = await onSale(svc, seller, cat);
    const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
    const [r1, r2] = [newId(), newId()];
    const base = { productId: p.id, userId: newId() };
    await deliver(svc, 'review.created', {
      ...base,
      reviewId: r1,
      orderId: 'o1',
      rating: 5,
      createdAt: t(1),
    });
    await deliver(svc, 'review.updated', { ...base, reviewId: r2, rating: 2, updatedAt: t(5) });
    await deliver(svc, 'review.created', {
      ...base,
      reviewId: r2,
      orderId: 'o2',
      rating: 4,
      createdAt: t(2),
    });
    expect((await page(p.id)).rating).toEqual({ average: 3.5, count: 2 });
    await deliver(svc, 'review.deleted', { ...base, reviewId: r1, deletedAt: t(9) });
    await deliver(svc, 'review.updated', { ...base, reviewId: r1, rating: 1, updatedAt: t(3) });
    expect((await page(p.id)).rating).toEqual({ average: 2, count: 1 });
  });

  it('counts each sold item once and takes a cancelled order back out', async () => {
    const p = await onSale(svc, seller, cat);
    const orderId = `o-${randomUUID()}`;
    const item = {
      orderId,
      userId: newId(),
      itemId: 'i1',
      productId: p.id,
      sku: 'x',
      sellerId: seller,
      quantity: 2,
      confirmedAt: new Date().toISOString(),
    };
    await deliver(svc, 'order.item.confirmed', item);
    await deliver(svc, 'order.completed', {
      orderId,
      completedAt: new Date().toISOString(),
      userId: item.userId,
      payableAmount: 1000,
      items: [{ itemId: 'i1', productId: p.id, sku: 'x', sellerId: seller, quantity: 2, price: 500 }],
      automatic: false,
    });
    expect((await page(p.id)).salesCount).toBe(2);
    await deliver(svc, 'order.cancelled', {
      orderId,
      userId: item.userId,
      reason: 'x',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PAID',
    });
    expect((await page(p.id)).salesCount).toBe(0);
  });

  it('announces changed popularity to search in batches', async () => {
    const p = await onSale(svc, seller, cat);
    await svc.call('GET', `/api/v1/products/${p.id}`, { token: await tokenFor(newId(), 'buyer') });
    expect(await publishPopularity(svc.deps.db, svc.deps.events)).toBeGreaterThanOrEqual(1);
    expect(await publishPopularity(svc.deps.db, svc.deps.events)).toBe(0);
    const [event] = (await svc.outbox('product.updated')).filter((e) => e.data.productId === p.id);
    expect(event?.data).toMatchObject({ changes: ['popularity'], popularity: 1, version: p.version + 1 });
  });
});

describe("a seller's suspension", () => {
  it('takes their products off sale and tells search; reinstatement puts each back as it was', async () => {
    const s = up.verifiedSeller();
    const live = await onSale(svc, s, cat);
    const pending = await register(svc, s, { name: 'x', price: 1, categoryId: cat, stock: 1 });
    const at = (minute: number) => new Date(Date.UTC(2025, 5, 1, 0, minute)).toISOString();
    const suspended = { sellerId: s, userId: s, reason: '위조품 판매', suspendedAt: at(10) };
    expect(await deliver(svc, 'seller.suspended', suspended)).toBe('SUCCESS');
    expect((await svc.call('GET', `/api/v1/products/${live.id}`)).status).toBe(404);
    const statuses = async () =>
      (await svc.outbox('product.updated'))
        .filter((e) => [live.id, pending.id].includes(e.data.productId))
        .map((e) => [e.data.productId === live.id ? 'live' : 'pending', e.data.status]);
    expect((await statuses()).sort()).toEqual([
      ['live', 'SUSPENDED'],
      ['pending', 'SUSPENDED'],
    ]);
    up.sellers.set(s, 'SUSPENDED');
    const token = await tokenFor(s, 'seller');
    expect(
      (await svc.call('PATCH', `/api/v1/products/${live.id}`, { token, body: { price: 2 } })).status,
    ).toBe(409);
    const approve = await svc.call('PATCH', `/internal/products/${pending.id}/approve`, {
      body: { adminId: 'a' },
      headers: internal,
    });
    expect(approve.body.code).toBe('SELLER_SUSPENDED');

    // News older than the suspension changes nothing; the reinstatement after it does.
    await deliver(svc, 'seller.verified', { sellerId: s, userId: s, verifiedAt: at(5) });
    expect((await svc.call('GET', `/api/v1/products/${live.id}`)).status).toBe(404);
    await deliver(svc, 'seller.verified', { sellerId: s, userId: s, verifiedAt: at(20) });
    expect((await svc.call('GET', `/api/v1/products/${live.id}`)).body.status).toBe('APPROVED');
    expect((await svc.call('GET', `/api/v1/products/${pending.id}`, { token })).body.status).toBe(
      'PENDING_REVIEW',
    );
    expect((await statuses()).slice(2).sort()).toEqual([
      ['live', 'APPROVED'],
      ['pending', 'PENDING_REVIEW'],
    ]);
    // A suspension delivered late (older than the reinstatement) is ignored too.
    await deliver(svc, 'seller.suspended', { ...suspended, suspendedAt: at(15) });
    expect((await svc.call('GET', `/api/v1/products/${live.id}`)).body.status).toBe('APPROVED');
  });
});
