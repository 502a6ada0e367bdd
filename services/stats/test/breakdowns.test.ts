import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { orderCreated, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliver, statsForFile } from './fixtures.ts';

let admin: string;
const svc = statsForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

const product = (productId: string, sellerId: string, categoryId: string, version: number) => ({
  productId,
  sellerId,
  name: '운동화',
  description: '',
  brand: null,
  categoryId,
  price: 50_000,
  status: 'APPROVED' as const,
  imageFileIds: [],
  version,
  updatedAt: '2023-03-01T00:00:00Z',
  changes: ['categoryId'],
});

const get = (path: string, token = admin) => svc.call('GET', path, { token });

describe('sales broken down by category, product and payment method (판매 분석)', () => {
  it('counts each line for its product and category (the catalog names a category the order leaves out)', async () => {
    const seller = randomUUID();
    const [shoe, bag] = [randomUUID(), randomUUID()];
    await deliver(svc, 'product.updated', product(shoe, seller, 'shoes', 3));
    await deliver(svc, 'product.updated', product(shoe, seller, 'old-category', 2)); // older news: ignored
    const o = orderCreated(
      [
        { sellerId: seller, price: 30_000, quantity: 2 },
        { sellerId: seller, price: 10_000 },
      ],
      { createdAt: '2023-03-10T01:00:00Z' },
    );
    o.items[0]!.productId = shoe;
    o.items[1]!.productId = bag;
    o.items[1]!.categoryId = 'bags';
    await deliver(svc, 'order.created', o);
    const second = orderCreated([{ sellerId: randomUUID(), price: 5_000 }], {
      createdAt: '2023-03-10T02:00:00Z',
    });
    second.paymentMethod = 'virtual_account';
    await deliver(svc, 'order.created', second);

    const range = 'from=2023-03-10&to=2023-03-10';
    const byCategory = await get(`/api/v1/stats/breakdowns?by=category&sellerId=${seller}&${range}`);
    expect(byCategory.body.items).toEqual([
      { key: 'shoes', orders: 1, quantity: 2, amount: 60_000 },
      { key: 'bags', orders: 1, quantity: 1, amount: 10_000 },
    ]);
    const byProduct = await get(
      `/api/v1/stats/breakdowns?by=product&${range}`,
      await tokenFor(seller, 'seller'),
    );
    expect(byProduct.body.items.map((i: { key: string }) => i.key)).toEqual([shoe, bag]);
    const byPayment = await get(`/api/v1/stats/breakdowns?by=payment&${range}`);
    expect(byPayment.body.items).toEqual(
      expect.arrayContaining([
        { key: 'card', orders: 1, quantity: 3, amount: 70_000 },
        { key: 'virtual_account', orders: 1, quantity: 1, amount: 5_000 },
      ]),
    );
    const sellerPayment = await get(
      `/api/v1/stats/breakdowns?by=payment&${range}`,
      await tokenFor(seller, 'seller'),
    );
    expect(sellerPayment.status).toBe(403);
  });

  it('counts account changes per day from user.updated and user.deleted', async () => {
    const at = '2023-04-01T03:00:00Z';
    await deliver(svc, 'user.deleted', { userId: randomUUID(), deletedAt: at });
    await deliver(svc, 'user.updated', {
      userId: randomUUID(),
      changes: ['status'],
      status: 'SUSPENDED',
      updatedAt: at,
    });
    await deliver(svc, 'user.updated', {
      userId: randomUUID(),
      changes: ['grade'],
      grade: 'VIP',
      updatedAt: at,
    });
    await deliver(svc, 'user.updated', { userId: randomUUID(), changes: ['name'], updatedAt: at });
    const res = await get('/api/v1/stats/members?from=2023-04-01&to=2023-04-01');
    expect(res.body.items).toEqual([
      { date: '2023-04-01', deleted: 1, suspended: 1, reinstated: 0, gradeChanged: 1 },
    ]);
  });
});

describe('product views (상품 조회수) and ClickEvents', () => {
  it('counts each counted view per day, product and category, and writes it to ClickEvents once', async () => {
    const seller = randomUUID();
    const [shoe, bag] = [randomUUID(), randomUUID()];
    const view = (productId: string, categoryId: string, viewedAt: string) => ({
      productId,
      sellerId: seller,
      categoryId,
      userId: randomUUID(),
      viewedAt,
    });
    const first = buildEvent(
      'product',
      'test',
      'product.viewed',
      view(shoe, 'shoes', '2023-05-01T01:00:00Z'),
    );
    await svc.deliver(first);
    await deliver(svc, 'product.viewed', view(shoe, 'shoes', '2023-05-01T02:00:00Z'));
    await deliver(svc, 'product.viewed', view(bag, 'bags', '2023-05-02T02:00:00Z'));
    // The same event again counts nothing more.
    expect((await svc.deliver(first)).body.status).toBe('SUCCESS');
    const res = await get(`/api/v1/stats/views?from=2023-05-01&to=2023-05-02&sellerId=${seller}`);
    expect(res.body).toEqual({
      items: [
        { date: '2023-05-01', views: 2 },
        { date: '2023-05-02', views: 1 },
      ],
      topProducts: [
        { productId: shoe, views: 2 },
        { productId: bag, views: 1 },
      ],
      byCategory: [
        { categoryId: 'shoes', views: 2 },
        { categoryId: 'bags', views: 1 },
      ],
      total: 3,
    });
    const own = await get(
      '/api/v1/stats/views?from=2023-05-01&to=2023-05-02',
      await tokenFor(seller, 'seller'),
    );
    expect(own.body.total).toBe(3);
    const click = await svc.dapr.getState<Record<string, unknown>>('clickevents', `view:${first.eventId}`);
    expect(click.value).toMatchObject({
      type: 'product.view',
      productId: shoe,
      viewedAt: '2023-05-01T01:00:00Z',
    });
  });
});
