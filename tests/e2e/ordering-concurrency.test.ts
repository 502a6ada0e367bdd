/**
 * The flash sale (선착순 한정 판매) through the gateway and real Dapr: 1,000 concurrent orders for a
 * SKU with 100 in stock make exactly 100 orders, and the stock never goes below zero.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, settled } from './lib.ts';
import {
  address,
  buyer,
  category,
  type Listed,
  listedProduct,
  type Party,
  stockOf,
  verifiedSeller,
} from './ordering-lib.ts';

let seller: Party;
let item: Listed;
let buyers: Party[];
beforeAll(async () => {
  const admin = await adminToken();
  seller = await verifiedSeller(admin);
  item = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '한정판 스니커즈',
    price: 189_000,
    stock: 100,
  });
  buyers = [];
  for (let i = 0; i < 20; i++) buyers.push(await buyer(`flash${i}`));
});
// The hundred sagas' events are carried before the next file starts.
afterAll(() => settled(), 360_000);

describe('flash sale', () => {
  it('turns 1,000 concurrent orders for 100 in stock into exactly 100 orders', async () => {
    const body = {
      items: [{ productId: item.productId, sku: item.sku, quantity: 1 }],
      shippingAddress: address,
      paymentMethod: 'card',
    };
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        api('POST', '/api/v1/orders', { token: buyers[i % buyers.length]!.token, body }),
      ),
    );
    const by = new Map<string, number>();
    for (const a of answers) {
      const k = a.status === 201 ? '201' : `${a.status} ${a.body?.code}`;
      by.set(k, (by.get(k) ?? 0) + 1);
    }
    expect(Object.fromEntries(by)).toEqual({ '201': 100, '409 OUT_OF_STOCK': 900 });
    const stock = await stockOf(seller, item.sku);
    expect(stock).toMatchObject({ onHand: 100, reserved: 100, available: 0 });
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
    expect(ids.size).toBe(100);
    let counted = 0;
    for (const b of buyers) {
      const mine = await api('GET', '/api/v1/orders?limit=100', { token: b.token });
      counted += mine.body.items.filter(
        (o: { items: { sku: string }[] }) => o.items[0]?.sku === item.sku,
      ).length;
    }
    expect(counted).toBe(100);
  });
});
