import { randomUUID } from 'node:crypto';
import {
  orderCompleted,
  orderCreated,
  paymentCompleted,
  refundCompleted,
  tokenFor,
} from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliver, deliverBatch, statsForFile } from './fixtures.ts';

let admin: string;
const svc = statsForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

const sales = async (qs: string, token = admin) => svc.call('GET', `/api/v1/stats/sales?${qs}`, { token });

describe('sales statistics (판매 통계)', () => {
  it('count orders, payments, confirmations, cancellations and refunds per Korean day, for the platform and each seller', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    // 2023-01-10 23:30 KST and 2023-01-11 00:30 KST: two Korean days, one UTC day.
    const late = orderCreated(
      [
        { sellerId: a, price: 10_000, quantity: 2 },
        { sellerId: b, price: 5_000 },
      ],
      { createdAt: '2023-01-10T14:30:00Z', payableAmount: 23_000 },
    );
    const early = orderCreated([{ sellerId: a, price: 7_000 }], { createdAt: '2023-01-10T15:30:00Z' });
    for (const o of [late, early]) await deliver(svc, 'order.created', o);
    await deliver(svc, 'payment.completed', paymentCompleted(late, '2023-01-10T14:40:00Z'));
    await deliver(svc, 'order.cancelled', {
      orderId: early.orderId,
      userId: early.userId,
      reason: '단순 변심',
      cancelledAt: '2023-01-11T01:00:00Z',
      previousStatus: 'PENDING_PAYMENT',
    });
    await deliver(svc, 'order.completed', orderCompleted(late, '2023-01-12T03:00:00Z'));
    await deliver(
      svc,
      'order.refund.completed',
      refundCompleted(late, [{ index: 0, quantity: 1, amount: 9_000 }], '2023-01-13T03:00:00Z'),
    );

    const platform = await sales('granularity=day&from=2023-01-10&to=2023-01-13');
    expect(platform.status).toBe(200);
    expect(platform.body).toMatchObject({ sellerId: null, basis: 'PAYMENTS' });
    expect(
      platform.body.items.map((i: Record<string, number>) => [
        i.period,
        i.orders,
        i.paidAmount,
        i.cancelledOrders,
      ]),
    ).toEqual([
      ['2023-01-10', 1, 23_000, 0],
      ['2023-01-11', 1, 0, 1],
      ['2023-01-12', 0, 0, 0],
      ['2023-01-13', 0, 0, 0],
    ]);
    expect(platform.body.totals).toMatchObject({
      orders: 2,
      orderedAmount: 30_000,
      paidOrders: 1,
      paidAmount: 23_000,
      completedOrders: 1,
      completedAmount: 23_000,
      refunds: 1,
      refundedAmount: 9_000,
    });
    // Seller a: its items at 판매가.
    const mine = await sales('granularity=day&from=2023-01-10&to=2023-01-13', await tokenFor(a, 'seller'));
    expect(mine.body).toMatchObject({ sellerId: a, basis: 'ITEM_SALES' });
    expect(mine.body.totals).toMatchObject({
      orders: 2,
      orderedAmount: 27_000,
      paidAmount: 20_000,
      completedAmount: 20_000,
      cancelledOrders: 1,
      refundedAmount: 9_000,
    });
    const theirs = await sales(`granularity=day&from=2023-01-10&to=2023-01-13&sellerId=${b}`);
    expect(theirs.body.totals).toMatchObject({
      orders: 1,
      paidAmount: 5_000,
      completedAmount: 5_000,
      refundedAmount: 0,
    });
  });

  it('group by Monday–Sunday weeks and by months, naming each bucket and the days of it inside the range', async () => {
    const s = randomUUID();
    for (const at of ['2023-03-05T03:00:00Z', '2023-03-06T03:00:00Z', '2023-03-31T16:00:00Z'])
      await deliver(svc, 'order.created', orderCreated([{ sellerId: s, price: 1_000 }], { createdAt: at }));
    const weeks = await sales(`granularity=week&from=2023-03-03&to=2023-03-13&sellerId=${s}`);
    expect(weeks.body.items.map((i: Record<string, unknown>) => [i.period, i.from, i.to, i.orders])).toEqual([
      ['2023-02-27', '2023-03-03', '2023-03-05', 1],
      ['2023-03-06', '2023-03-06', '2023-03-12', 1],
      ['2023-03-13', '2023-03-13', '2023-03-13', 0],
    ]);
    // 2023-03-31 16:00 UTC is 1 April in Korea.
    const months = await sales(`granularity=month&from=2023-03-01&to=2023-04-30&sellerId=${s}`);
    expect(months.body.items.map((i: Record<string, unknown>) => [i.period, i.orders])).toEqual([
      ['2023-03-01', 2],
      ['2023-04-01', 1],
    ]);
  });

  it('count a payment or a cancellation that arrives before its order once, and every event once', async () => {
    const s = randomUUID();
    const o = orderCreated([{ sellerId: s, price: 8_000 }], { createdAt: '2023-05-01T03:00:00Z' });
    const p = paymentCompleted(o, '2023-05-01T03:05:00Z');
    const id = randomUUID();
    await deliver(svc, 'payment.completed', p, id);
    await deliver(svc, 'payment.completed', p, id);
    await deliver(svc, 'payment.completed', p);
    await deliver(svc, 'order.created', o);
    await deliver(svc, 'order.created', o);
    const r = refundCompleted(o, [{ index: 0, quantity: 1, amount: 8_000 }], '2023-05-02T03:00:00Z');
    await deliver(svc, 'order.refund.completed', r);
    await deliver(svc, 'order.refund.completed', r);
    const res = await sales(`from=2023-05-01&to=2023-05-02&sellerId=${s}`);
    expect(res.body.totals).toMatchObject({
      orders: 1,
      paidOrders: 1,
      paidAmount: 8_000,
      refunds: 1,
      refundedAmount: 8_000,
    });
  });

  it('keep every count when a seller’s orders and payments arrive all at once', async () => {
    const s = randomUUID();
    const orders = Array.from({ length: 40 }, (_, k) =>
      orderCreated([{ sellerId: s, price: 1_000 + k }], { createdAt: '2023-06-01T03:00:00Z' }),
    );
    await Promise.all(
      orders.flatMap((o) => [
        deliver(svc, 'order.created', o),
        deliver(svc, 'payment.completed', paymentCompleted(o, '2023-06-01T04:00:00Z')),
      ]),
    );
    const res = await sales(`from=2023-06-01&to=2023-06-01&sellerId=${s}`);
    const gross = orders.reduce((a, o) => a + o.items[0]!.price, 0);
    expect(res.body.totals).toMatchObject({
      orders: 40,
      orderedAmount: gross,
      paidOrders: 40,
      paidAmount: gross,
    });
  });

  it('count every order and payment of a delivered batch once, its day rows written together (a duplicate in the batch too)', async () => {
    const seller = randomUUID();
    const at = '2023-03-05T03:00:00Z';
    const orders = [
      orderCreated([{ sellerId: seller, price: 4_000 }], { createdAt: at, payableAmount: 4_000 }),
      orderCreated([{ sellerId: seller, price: 6_000, quantity: 2 }], {
        createdAt: at,
        payableAmount: 12_000,
      }),
      orderCreated([{ sellerId: seller, price: 1_000 }], { createdAt: at, payableAmount: 1_000 }),
    ];
    const first = randomUUID();
    expect(
      await deliverBatch(svc, 'order.created', [
        { data: orders[0]!, eventId: first },
        { data: orders[1]! },
        { data: orders[0]!, eventId: first },
        { data: orders[2]! },
      ]),
    ).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(
      await deliverBatch(
        svc,
        'payment.completed',
        orders.slice(0, 2).map((o) => ({ data: paymentCompleted(o, '2023-03-05T04:00:00Z') })),
      ),
    ).toEqual(['SUCCESS', 'SUCCESS']);
    const day = await sales(`granularity=day&from=2023-03-05&to=2023-03-05&sellerId=${seller}`);
    expect(day.status).toBe(200);
    expect(day.body.items).toEqual([
      expect.objectContaining({ period: '2023-03-05', orders: 3, paidOrders: 2, paidAmount: 16_000 }),
    ]);
  });

  it('refuse buyers, reversed or overlong ranges and unknown granularities, naming the field', async () => {
    expect((await sales('from=2023-01-01&to=2023-01-02', await tokenFor('b', 'buyer'))).status).toBe(403);
    expect((await svc.call('GET', '/api/v1/stats/sales?from=2023-01-01&to=2023-01-02')).status).toBe(401);
    const reversed = await sales('from=2023-01-02&to=2023-01-01');
    expect(reversed.body.errors[0].path).toBe('from');
    const long = await sales('granularity=day&from=2020-01-01&to=2023-01-01');
    expect(long.body.errors[0].path).toBe('to');
    expect((await sales('granularity=month&from=2020-01-01&to=2023-01-01')).status).toBe(200);
    const bad = await sales('granularity=hour&from=2023-01-01&to=2023-01-02');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'granularity', in: 'query' });
    expect((await sales('from=2023-02-30&to=2023-03-01')).status).toBe(400);
  });
});
