import { newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct, deliver, inventoryForFile, stockOf, uniqueSku } from './helpers.ts';

const seller = newId();
let sellerToken: string;
let otherSellerToken: string;
let buyerToken: string;
let adminToken: string;
const svc = inventoryForFile();
beforeAll(async () => {
  sellerToken = await tokenFor(seller, 'seller');
  otherSellerToken = await tokenFor(newId(), 'seller');
  buyerToken = await tokenFor(newId(), 'buyer');
  adminToken = await tokenFor(newId(), 'admin');
});

const adjust = (sku: string, body: unknown, token = sellerToken) =>
  svc.call('POST', `/api/v1/inventory/${sku}/adjustments`, { token, body });

describe('stock from product events', () => {
  it('starts each SKU of a new product with its initial stock, and shows it to its seller', async () => {
    const [a, b] = [uniqueSku(), uniqueSku()];
    const productId = await createProduct(svc, seller, [
      { sku: a, stock: 30, lowStockThreshold: 10 },
      { sku: b, stock: 0 },
    ]);
    const res = await svc.call('GET', `/api/v1/inventory/${a}`, { token: sellerToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sku: a,
      productId,
      onHand: 30,
      reserved: 0,
      available: 30,
      threshold: 10,
      stockStatus: 'IN_STOCK',
    });
    expect((await stockOf(svc, b)).level).toBe('OUT_OF_STOCK');
    const list = await svc.call('GET', `/api/v1/inventory?productId=${productId}`, { token: sellerToken });
    expect(list.body.items.map((i: { sku: string }) => i.sku).sort()).toEqual([a, b].sort());
    // The default threshold applies when the seller gave none.
    expect((await stockOf(svc, b)).threshold).toBe(5);
    const initial = (await svc.outbox('inventory.adjusted')).filter((e) => e.data.productId === productId);
    expect(initial.map((e) => e.data.reason)).toEqual(['INITIAL', 'INITIAL']);
  });

  it('hides a SKU from another seller (404), refuses buyers (403) and anonymous callers (401)', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 3 }]);
    const other = await svc.call('GET', `/api/v1/inventory/${sku}`, { token: otherSellerToken });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('SKU_NOT_FOUND');
    expect((await adjust(sku, { delta: 5, reason: 'INBOUND' }, otherSellerToken)).status).toBe(404);
    expect((await svc.call('GET', `/api/v1/inventory/${sku}`, { token: buyerToken })).status).toBe(403);
    expect((await svc.call('GET', `/api/v1/inventory/${sku}`)).status).toBe(401);
    expect((await svc.call('GET', `/api/v1/inventory/${sku}`, { token: adminToken })).status).toBe(200);
  });

  it('adds SKUs a product update brings and stops selling removed ones', async () => {
    const [a, b] = [uniqueSku(), uniqueSku()];
    const productId = await createProduct(svc, seller, [{ sku: a, stock: 4 }]);
    const status = await deliver(svc, 'product.updated', {
      productId,
      sellerId: seller,
      name: 'x',
      description: '',
      brand: null,
      categoryId: newId(),
      price: 1000,
      status: 'APPROVED',
      imageFileIds: [],
      version: 3,
      updatedAt: new Date().toISOString(),
      changes: ['options'],
      skus: [
        { sku: a, optionValues: {}, priceDelta: 0, stock: 999, active: false },
        { sku: b, optionValues: { 사이즈: '270' }, priceDelta: 1000, stock: 7 },
      ],
    });
    expect(status).toBe('SUCCESS');
    expect(await stockOf(svc, a)).toMatchObject({ active: false, on_hand: 4 });
    expect(await stockOf(svc, b)).toMatchObject({ active: true, on_hand: 7 });
  });
});

describe('seller adjustments (입고/출고/정정)', () => {
  it('moves stock and keeps an audit trail of who did what', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 10 }]);
    const inbound = await adjust(sku, { delta: 15, reason: 'INBOUND', note: '3월 입고' });
    expect(inbound.status).toBe(201);
    expect(inbound.body.stock).toMatchObject({ onHand: 25, available: 25 });
    expect((await adjust(sku, { delta: -5, reason: 'OUTBOUND' })).body.stock.onHand).toBe(20);
    expect((await adjust(sku, { delta: -2, reason: 'CORRECTION' })).body.stock.onHand).toBe(18);
    const trail = await svc.call('GET', `/api/v1/inventory/${sku}/movements?limit=2`, { token: sellerToken });
    expect(trail.body.items.map((m: { reason: string }) => m.reason)).toEqual(['CORRECTION', 'OUTBOUND']);
    expect(trail.body.items[0]).toMatchObject({ deltaOnHand: -2, onHand: 18, actor: `seller:${seller}` });
    const rest = await svc.call('GET', `/api/v1/inventory/${sku}/movements?cursor=${trail.body.nextCursor}`, {
      token: sellerToken,
    });
    expect(rest.body.items.map((m: { reason: string; note: string }) => [m.reason, m.note])).toEqual([
      ['INBOUND', '3월 입고'],
      ['INITIAL', null],
    ]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('refuses stock below zero or below what orders hold, and names the field', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 5 }]);
    const below = await adjust(sku, { delta: -6, reason: 'OUTBOUND' });
    expect(below.status).toBe(409);
    expect(below.body.code).toBe('INSUFFICIENT_STOCK');
    expect(below.body.errors[0].path).toBe('delta');
    expect((await stockOf(svc, sku)).on_hand).toBe(5);

    const wrongSign = await adjust(sku, { delta: -1, reason: 'INBOUND' });
    expect(wrongSign.status).toBe(400);
    expect(wrongSign.body.errors[0].path).toBe('delta');
    expect((await adjust(sku, { delta: 0, reason: 'CORRECTION' })).status).toBe(400);
    expect((await adjust(sku, { delta: 1.5, reason: 'CORRECTION' })).status).toBe(400);
    const badReason = await adjust(sku, { delta: 1, reason: 'GIFT' });
    expect(badReason.body.errors[0].path).toBe('reason');
  });

  it('replays an adjustment sent again with the same Idempotency-Key', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 1 }]);
    const send = () =>
      svc.call('POST', `/api/v1/inventory/${sku}/adjustments`, {
        token: sellerToken,
        body: { delta: 4, reason: 'INBOUND' },
        headers: { 'idempotency-key': `adj-${sku}` },
      });
    const [first, again] = [await send(), await send()];
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await stockOf(svc, sku)).on_hand).toBe(5);
  });
});

describe('품절임박 and 품절 alerts', () => {
  it('announces low stock and out of stock once per crossing, not on every change', async () => {
    const sku = uniqueSku();
    const productId = await createProduct(svc, seller, [{ sku, stock: 20, lowStockThreshold: 5 }]);
    const alerts = async () =>
      (await svc.outbox())
        .filter((e) => e.data.sku === sku && e.eventType !== 'inventory.adjusted')
        .map((e) => e.eventType);
    await adjust(sku, { delta: -10, reason: 'OUTBOUND' }); // 10: still fine
    expect(await alerts()).toEqual([]);
    await adjust(sku, { delta: -6, reason: 'OUTBOUND' }); // 4: below 5
    await adjust(sku, { delta: -1, reason: 'OUTBOUND' }); // 3: still low, no news
    expect(await alerts()).toEqual(['inventory.low_stock']);
    await adjust(sku, { delta: -3, reason: 'OUTBOUND' }); // 0
    await adjust(sku, { delta: 2, reason: 'INBOUND' }); // 2: back from zero, still low
    await adjust(sku, { delta: 10, reason: 'INBOUND' }); // 12: fine again
    await adjust(sku, { delta: -8, reason: 'OUTBOUND' }); // 4: low again
    expect(await alerts()).toEqual(['inventory.low_stock', 'inventory.out_of_stock', 'inventory.low_stock']);
    const [low] = (await svc.outbox('inventory.low_stock')).filter((e) => e.data.sku === sku);
    expect(low?.data).toMatchObject({ productId, sku, currentStock: 4, threshold: 5, sellerId: seller });
    const adjusted = (await svc.outbox('inventory.adjusted')).filter((e) => e.data.sku === sku);
    // Versions grow with every change, so the product can drop stale news.
    const versions = adjusted.map((e) => e.data.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(adjusted.at(-1)?.data).toMatchObject({
      available: 4,
      stockStatus: 'LOW_STOCK',
      reason: 'OUTBOUND',
      delta: -8,
    });
  });

  it('announces low stock when a raised threshold puts the SKU under it', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 8, lowStockThreshold: 3 }]);
    const res = await svc.call('PATCH', `/api/v1/inventory/${sku}`, {
      token: sellerToken,
      body: { threshold: 10 },
    });
    expect(res.body).toMatchObject({ threshold: 10, stockStatus: 'LOW_STOCK' });
    expect((await svc.outbox('inventory.low_stock')).filter((e) => e.data.sku === sku)).toHaveLength(1);
    const neg = await svc.call('PATCH', `/api/v1/inventory/${sku}`, {
      token: sellerToken,
      body: { threshold: -1 },
    });
    expect(neg.status).toBe(400);
  });
});
