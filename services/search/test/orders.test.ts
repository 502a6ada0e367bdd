import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { buildEvent, newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internal, type Svc, start, tag } from './helpers.ts';

/**
 * The orders index's contract, for each backend: PostgreSQL always, OpenSearch when OPENSEARCH_URL
 * points at one (with the analysis-nori plugin; throw-away indexes, refreshed after each event so
 * that a search sees it).
 */
const openSearch = process.env.OPENSEARCH_URL;
const suffix = randomUUID().slice(0, 8);
const backends = [
  { backend: 'postgres', env: {} as Record<string, string> },
  ...(openSearch
    ? [
        {
          backend: 'opensearch',
          env: {
            SEARCH_BACKEND: 'opensearch',
            OPENSEARCH_URL: openSearch,
            OPENSEARCH_ORDERS_INDEX: `orders-test-${suffix}`,
          },
        },
      ]
    : []),
];

describe.each(backends)('the orders index on $backend (order search for admins and sellers)', ({ env }) => {
  // Started by hand, not with searchForFile: one service per backend, its index deleted before it closes.
  let svc: Svc;
  let admin: string;
  const client = env.OPENSEARCH_URL ? new Client({ node: env.OPENSEARCH_URL }) : undefined;
  beforeAll(async () => {
    svc = await start(env);
    await svc.ctx.orders.ensureIndex?.();
    admin = await tokenFor(newId(), 'admin');
  });
  afterAll(async () => {
    await client?.indices.delete({ index: env.OPENSEARCH_ORDERS_INDEX! });
    await svc.close();
  });

  async function deliver<T extends EventType>(type: T, data: EventData<T>, eventId?: string) {
    const event = buildEvent('order', 'test', type, data);
    if (eventId) event.eventId = eventId;
    const res = await svc.call('POST', `/events/${type}`, { body: { data: event }, headers: internal });
    expect(res.body.status).toBe('SUCCESS');
    await client?.indices.refresh({ index: env.OPENSEARCH_ORDERS_INDEX! });
  }

  function created(o: { name: string; sellers: [string, string]; at?: string }): EventData<'order.created'> {
    const [a, b] = o.sellers;
    const at = o.at ?? new Date().toISOString();
    return {
      orderId: newId(),
      userId: newId(),
      sellerId: a,
      items: [
        {
          itemId: newId(),
          productId: newId(),
          sku: 'A-1',
          sellerId: a,
          quantity: 2,
          price: 10_000,
          options: {},
          name: o.name,
        },
        {
          itemId: newId(),
          productId: newId(),
          sku: 'B-1',
          sellerId: b,
          quantity: 1,
          price: 5_000,
          options: {},
          name: '양말 세트',
        },
      ],
      totalAmount: 25_000,
      shippingAddress: {
        recipient: '김철수',
        phone: '010-1234-5678',
        address: '서울시 강남구',
        zipCode: '06236',
      },
      paymentMethod: 'card',
      sellerIds: [a, b],
      discountAmount: 0,
      shippingFee: 0,
      payableAmount: 25_000,
      paymentDueAt: at,
      createdAt: at,
    };
  }

  const find = async (token: string, query: string) =>
    svc.call('GET', `/api/v1/search/orders?${query}`, { token });

  it('finds an order by words inside its product names or recipient, and by its id', async () => {
    const word = tag();
    const order = created({ name: `${word}러닝화 블랙`, sellers: [newId(), newId()] });
    await deliver('order.created', order);
    const byName = await find(admin, `q=${encodeURIComponent(`${word}러닝`)}`);
    expect(byName.status).toBe(200);
    expect(byName.body.items).toHaveLength(1);
    expect(byName.body.items[0]).toMatchObject({
      orderId: order.orderId,
      status: 'PENDING_PAYMENT',
      recipient: '김철수',
      itemsAmount: 25_000,
      payableAmount: 25_000,
      sellerIds: order.sellerIds,
    });
    const byId = await find(admin, `q=${order.orderId}`);
    expect(byId.body.items.map((i: { orderId: string }) => i.orderId)).toEqual([order.orderId]);
  });

  it('shows a seller only orders with its items, and only its items; buyers may not search', async () => {
    const word = tag();
    const [a, b] = [newId(), newId()];
    const order = created({ name: `${word}셔츠`, sellers: [a, b] });
    await deliver('order.created', order);
    const asB = await find(await tokenFor(b, 'seller'), `q=${word}`);
    expect(asB.body.items).toHaveLength(0); // b's item is the socks
    const socks = await find(await tokenFor(b, 'seller'), `q=${encodeURIComponent('양말')}&limit=100`);
    const mine = socks.body.items.find((i: { orderId: string }) => i.orderId === order.orderId);
    expect(mine.items.map((i: { sellerId: string }) => i.sellerId)).toEqual([b]);
    expect(mine).toMatchObject({ itemsAmount: 5_000 });
    expect(mine).not.toHaveProperty('payableAmount');
    const other = await find(await tokenFor(newId(), 'seller'), `q=${word}`);
    expect(other.body.items).toHaveLength(0);
    expect((await find(await tokenFor(newId(), 'buyer'), 'q=x')).status).toBe(403);
  });

  it('follows the status through cancellation, refunds and completion, whatever order the events come in', async () => {
    const word = tag();
    const t0 = Date.now() - 60_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const order = created({ name: `${word}가방`, sellers: [newId(), newId()], at: at(0) });
    // The refund request arrives before the order itself.
    await deliver('order.refund.requested', {
      orderId: order.orderId,
      userId: order.userId,
      refundRequestId: newId(),
      reason: '단순 변심',
      amount: 10_000,
      items: [],
      requestedAt: at(10),
    });
    await deliver('order.created', order);
    const status = async () => (await find(admin, `q=${order.orderId}`)).body.items[0]?.status;
    expect(await status()).toBe('REFUND_REQUESTED');
    const refund = (amount: number, s: number): EventData<'order.refund.completed'> => ({
      orderId: order.orderId,
      userId: order.userId,
      refundRequestId: null,
      refundId: newId(),
      amount,
      items: [],
      completedAt: at(s),
    });
    const first = refund(10_000, 20);
    const eventId = newId();
    await deliver('order.refund.completed', first, eventId);
    expect(await status()).toBe('PARTIALLY_REFUNDED');
    // A redelivery adds nothing.
    await deliver('order.refund.completed', first, eventId);
    const once = await find(admin, `q=${order.orderId}`);
    expect(once.body.items[0]).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: 10_000 });
    // Older news does not overwrite newer.
    await deliver('order.cancelled', {
      orderId: order.orderId,
      userId: order.userId,
      reason: 'late',
      cancelledAt: at(5),
      previousStatus: 'PAID',
    });
    expect(await status()).toBe('PARTIALLY_REFUNDED');
    await deliver('order.refund.completed', refund(15_000, 30));
    expect(await status()).toBe('REFUNDED');
    const filtered = await find(admin, `status=REFUNDED&userId=${order.userId}`);
    expect(filtered.body.items.map((i: { orderId: string }) => i.orderId)).toEqual([order.orderId]);
  });

  it('pages newest first with a cursor, and filters by seller and day', async () => {
    const seller = newId();
    const orders = [0, 1, 2].map((n) =>
      created({
        name: `${tag()}모자`,
        sellers: [seller, newId()],
        at: new Date(Date.UTC(2024, 4, 1 + n, 3)).toISOString(),
      }),
    );
    for (const o of orders) await deliver('order.created', o);
    const first = await find(admin, `sellerId=${seller}&limit=2`);
    expect(first.body.items.map((i: { orderId: string }) => i.orderId)).toEqual([
      orders[2]!.orderId,
      orders[1]!.orderId,
    ]);
    const second = await find(admin, `sellerId=${seller}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ orderId: orders[0]!.orderId }], nextCursor: null });
    const day = await find(admin, `sellerId=${seller}&from=2024-05-02&to=2024-05-03`);
    expect(day.body.items.map((i: { orderId: string }) => i.orderId)).toEqual([orders[1]!.orderId]);
    const bad = await find(admin, 'from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('from');
  });
});
