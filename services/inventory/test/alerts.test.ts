import { newId } from '@mp/platform';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { createProduct, inventoryForFile, uniqueSku } from './helpers.ts';

const svc = inventoryForFile();

const lowStock = async (limit = 200) =>
  (
    await svc.call('GET', `/internal/low-stock?limit=${limit}`, {
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    })
  ).body;

describe("the admin dashboard's low-stock list (inventory.low_stock)", () => {
  it('lists active SKUs at 품절 then 품절임박, fewest available first, with counts; stocked SKUs stay out', async () => {
    const before = await lowStock();
    const seller = newId();
    const [out, low, lower, fine] = [uniqueSku(), uniqueSku(), uniqueSku(), uniqueSku()];
    await createProduct(svc, seller, [
      { sku: out, stock: 0 },
      { sku: low, stock: 4, lowStockThreshold: 5 },
      { sku: lower, stock: 2, lowStockThreshold: 5 },
      { sku: fine, stock: 50, lowStockThreshold: 5 },
    ]);
    const after = await lowStock();
    expect(after.outOfStock - before.outOfStock).toBe(1);
    expect(after.lowStock - before.lowStock).toBe(2);
    const mine = after.items.filter((i: { sellerId: string }) => i.sellerId === seller);
    expect(mine.map((i: { sku: string; stockStatus: string }) => [i.sku, i.stockStatus])).toEqual([
      [out, 'OUT_OF_STOCK'],
      [lower, 'LOW_STOCK'],
      [low, 'LOW_STOCK'],
    ]);
    expect(mine[1]).toMatchObject({ available: 2, threshold: 5 });
    const outs = after.items.findIndex((i: { stockStatus: string }) => i.stockStatus === 'LOW_STOCK');
    expect(
      after.items.slice(0, outs).every((i: { stockStatus: string }) => i.stockStatus === 'OUT_OF_STOCK'),
    ).toBe(true);
    expect((await lowStock(1)).items).toHaveLength(1);
  });
});
