import { subscriptionsOf } from '@mp/contracts';
import {
  orderCompleted,
  orderCreated,
  paymentCompleted,
  refundCompleted,
  TEST_APP_TOKEN,
  tokenFor,
} from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliver, internal, sell, seller, settlementForFile } from './fixtures.ts';

let admin: string;
const svc = settlementForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

const pending = async (sellerId: string) =>
  (await svc.call('GET', `/api/v1/settlements/pending?sellerId=${sellerId}`, { token: admin })).body;
const runFor = (sellerId: string, from = '2024-05-01', to = '2024-05-31') =>
  internal(svc, 'POST', '/internal/settlements/run', { from, to, sellerId });
const pushRates = (value: unknown, version: number) =>
  internal(svc, 'PUT', '/internal/configs/settlement.commission', { value, version });

describe('settlement subscriptions', () => {
  it('subscribe to exactly the topics the catalog gives settlement', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('settlement')].sort(),
    );
  });

  it('drop a delivery whose payload breaks the contract', async () => {
    for (const topic of subscriptionsOf('settlement')) {
      const res = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
      expect(res.body, topic).toEqual({ status: 'DROP' });
    }
  });
});

describe('collecting lines (정산 데이터 수집)', () => {
  it('makes one line per seller with its commission, seller-funded coupon and shipping fee', async () => {
    const [a, b] = [seller(), seller()];
    const category = `cat-${a.slice(0, 6)}`;
    expect(
      (await pushRates({ defaultRateBp: 1080, byCategory: { [category]: 500 }, bySeller: { [b]: 300 } }, 10))
        .status,
    ).toBe(200);
    const order = orderCreated(
      [
        { sellerId: a, price: 10_000, quantity: 2, categoryId: category },
        { sellerId: a, price: 5_000 },
        { sellerId: b, price: 30_000, categoryId: category },
      ],
      {
        discountAmount: 2_000,
        couponIssuer: 'SELLER',
        couponSellerId: a,
        shippingFee: 3_000,
        sellerShippingFees: [
          { sellerId: a, amount: 3_000 },
          { sellerId: b, amount: 0 },
        ],
      },
    );
    await sell(svc, order);
    const ra = await runFor(a);
    expect(ra.status).toBe(200);
    // Coupon 2,000 over 20,000 and 5,000 → 1,600 and 400; commission (18,400 × 5 %) + ⌊4,600 × 10.8 %⌋ = 920 + 496;
    // its VAT ⌊1,416 × 10 %⌋ = 141.
    expect(ra.body.settlements).toEqual([
      expect.objectContaining({
        sellerId: a,
        grossAmount: 25_000,
        commission: 1_416,
        commissionVat: 141,
        couponBurden: 2_000,
        shippingFee: 3_000,
        refundAmount: 0,
        netAmount: 25_000 - 1_416 - 141 - 2_000 + 3_000,
        lineCount: 1,
      }),
    ]);
    // The seller's own rate wins over the category's.
    const rb = await runFor(b);
    expect(rb.body.settlements[0]).toMatchObject({
      grossAmount: 30_000,
      commission: 900,
      commissionVat: 90,
      couponBurden: 0,
      netAmount: 30_000 - 900 - 90,
    });
    const lines = await svc.call('GET', `/api/v1/settlements/${ra.body.settlements[0].id}/lines`, {
      token: admin,
    });
    expect(
      lines.body.items[0].items.map((i: { rateBp: number; couponShare: number }) => [
        i.rateBp,
        i.couponShare,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [500, 1_600],
        [1080, 400],
      ]),
    );
  });

  it('treats a coupon without a funder as the platform’s, and splits a shipping fee without a split evenly', async () => {
    const [a, b] = [seller(), seller()].sort() as [string, string];
    await pushRates({ defaultRateBp: 1000, byCategory: {}, bySeller: {} }, 11);
    const order = orderCreated(
      [
        { sellerId: a, price: 10_000 },
        { sellerId: b, price: 10_000 },
      ],
      { discountAmount: 3_000, couponId: 'c-1', shippingFee: 5_001 },
    );
    await sell(svc, order);
    const [sa] = (await runFor(a)).body.settlements;
    const [sb] = (await runFor(b)).body.settlements;
    expect([sa.couponBurden, sa.shippingFee, sa.commission, sa.netAmount]).toEqual([
      0,
      2_501,
      1_000,
      11_501 - 100,
    ]);
    expect([sb.couponBurden, sb.shippingFee, sb.netAmount]).toEqual([0, 2_500, 11_500 - 100]);
  });

  it('applies the rates in force when the order was placed; an older version of a setting never wins', async () => {
    const s = seller();
    await pushRates({ defaultRateBp: 1000, byCategory: {}, bySeller: {} }, 20);
    await sell(svc, orderCreated([{ sellerId: s, price: 10_000 }]));
    await pushRates({ defaultRateBp: 2000, byCategory: {}, bySeller: {} }, 21);
    const stale = await pushRates({ defaultRateBp: 0, byCategory: {}, bySeller: {} }, 19);
    expect(stale.body).toMatchObject({ version: 21, value: { defaultRateBp: 2000 } });
    await sell(svc, orderCreated([{ sellerId: s, price: 10_000 }]));
    const [st] = (await runFor(s)).body.settlements;
    expect(st).toMatchObject({ grossAmount: 20_000, commission: 1_000 + 2_000, lineCount: 2 });
  });

  it('makes a line payable only once the order is paid and confirmed, whatever order the events come in', async () => {
    const s = seller();
    const order = orderCreated([{ sellerId: s, price: 7_000 }]);
    await deliver(svc, 'order.completed', orderCompleted(order));
    expect(await pending(s)).toMatchObject({ payable: { lines: 0 }, awaitingConfirmation: { lines: 0 } });
    await deliver(svc, 'order.created', order);
    // Confirmed but the payment has not been heard of: not payable yet.
    expect(await pending(s)).toMatchObject({
      payable: { lines: 0 },
      awaitingConfirmation: { lines: 1, grossAmount: 7_000 },
    });
    await deliver(svc, 'payment.completed', paymentCompleted(order));
    expect(await pending(s)).toMatchObject({
      payable: { lines: 1, grossAmount: 7_000 },
      awaitingConfirmation: { lines: 0 },
    });
  });

  it('collects an order once however often or under whichever event id its creation arrives', async () => {
    const s = seller();
    const order = orderCreated([{ sellerId: s, price: 4_000 }]);
    const eventId = crypto.randomUUID();
    for (const id of [eventId, eventId, undefined])
      expect((await deliver(svc, 'order.created', order, id)).body).toEqual({ status: 'SUCCESS' });
    await deliver(svc, 'payment.completed', paymentCompleted(order));
    await deliver(svc, 'order.completed', orderCompleted(order));
    await deliver(svc, 'order.completed', orderCompleted(order));
    expect((await pending(s)).payable).toMatchObject({ lines: 1, grossAmount: 4_000 });
  });

  it('keeps the delivery date of a line, even when the delivery arrives first', async () => {
    const s = seller();
    const order = orderCreated([{ sellerId: s, price: 4_000 }]);
    await deliver(svc, 'shipping.delivered', {
      shipmentId: crypto.randomUUID(),
      orderId: order.orderId,
      sellerId: s,
      deliveredAt: '2024-05-03T05:00:00Z',
      recipient: '홍길동',
    });
    await sell(svc, order);
    const [st] = (await runFor(s)).body.settlements;
    const lines = await svc.call('GET', `/api/v1/settlements/${st.id}/lines`, { token: admin });
    expect(lines.body.items[0]).toMatchObject({
      deliveredAt: '2024-05-03T05:00:00.000Z',
      confirmedAt: '2024-05-10T03:00:00.000Z',
    });
  });
});

describe('refunds (정산 차감)', () => {
  it('deduct what the seller kept on the refunded units, even when the refund arrives before the order', async () => {
    const s = seller();
    await pushRates({ defaultRateBp: 1000, byCategory: {}, bySeller: {} }, 30);
    const order = orderCreated([{ sellerId: s, price: 10_000, quantity: 3 }], {
      discountAmount: 3_000,
      couponIssuer: 'SELLER',
      couponSellerId: s,
    });
    // One unit refunded: 10,000 less its coupon share 1,000 less its commission 900.
    await deliver(
      svc,
      'order.refund.completed',
      refundCompleted(order, [{ index: 0, quantity: 1, amount: 9_000 }]),
    );
    await sell(svc, order);
    const [st] = (await runFor(s)).body.settlements;
    expect(st).toMatchObject({
      grossAmount: 30_000,
      commission: 2_700,
      couponBurden: 3_000,
      refundAmount: 8_100,
      // VAT on the commission kept: (2,700 − 900 reversed) × 10 %.
      commissionVat: 180,
    });
    expect(st.netAmount).toBe(30_000 - 2_700 - 180 - 3_000 - 8_100);
    const refunds = await svc.call('GET', `/api/v1/settlements/${st.id}/refunds`, { token: admin });
    expect(refunds.body.items[0]).toMatchObject({
      buyerAmount: 9_000,
      grossAmount: 10_000,
      couponReversed: 1_000,
      commissionReversed: 900,
      deduction: 8_100,
    });
  });

  it('never deduct a refund of a sale that was never confirmed, so never paid out', async () => {
    const s = seller();
    const order = orderCreated([{ sellerId: s, price: 10_000 }]);
    await deliver(svc, 'order.created', order);
    await deliver(svc, 'payment.completed', paymentCompleted(order));
    await deliver(svc, 'order.refund.completed', refundCompleted(order, [{ index: 0, quantity: 1 }]));
    expect(await pending(s)).toMatchObject({ payable: { lines: 0, refundDeductions: 0 } });
    expect((await runFor(s)).body).toMatchObject({ created: 0, settlements: [] });
  });

  it("pay the seller the return shipping fee a buyer's refund kept (반품배송비), confirmed sale or not", async () => {
    const s = seller();
    await pushRates({ defaultRateBp: 1000, byCategory: {}, bySeller: {} }, 35);
    // Wholly returned on a change of mind, never confirmed: nothing of the sale, but the fee.
    const returned = orderCreated([{ sellerId: s, price: 20_000 }]);
    await deliver(svc, 'order.created', returned);
    await deliver(svc, 'payment.completed', paymentCompleted(returned));
    const whole = { ...refundCompleted(returned, [{ index: 0, quantity: 1 }]), returnShippingFee: 3_000 };
    await deliver(svc, 'order.refund.completed', { ...whole, amount: whole.amount - 3_000 });
    await deliver(svc, 'order.refund.completed', { ...whole, amount: whole.amount - 3_000 }); // redelivered
    // Part of another, confirmed after the return: the refund deducts its sale, the fee is paid.
    const kept = orderCreated([
      { sellerId: s, price: 10_000 },
      { sellerId: s, price: 30_000 },
    ]);
    await deliver(svc, 'order.created', kept);
    await deliver(svc, 'payment.completed', paymentCompleted(kept));
    const part = { ...refundCompleted(kept, [{ index: 0, quantity: 1 }]), returnShippingFee: 3_000 };
    await deliver(svc, 'order.refund.completed', { ...part, amount: 7_000 });
    await deliver(svc, 'order.completed', orderCompleted(kept, '2024-05-20T03:00:00Z'));
    expect((await pending(s)).payable).toMatchObject({ returnShippingFees: 6_000 });

    const [st] = (await runFor(s)).body.settlements;
    // Sold 40,000 at 10 %: 36,000 less its VAT (400); the socks' refund gives back 10,000 less its
    // commission (1,000) and that VAT (−100); both fees are the seller's.
    expect(st).toMatchObject({
      grossAmount: 40_000,
      commission: 4_000,
      refundAmount: 9_000,
      returnShippingFee: 6_000,
      commissionVat: 300,
      netAmount: 40_000 - 4_000 - 300 - 9_000 + 6_000,
    });
    expect((await pending(s)).payable).toMatchObject({ returnShippingFees: 0 });
  });

  it('deduct a refund that comes after the sale was settled in the next settlement, carrying a negative balance over', async () => {
    const s = seller();
    await pushRates({ defaultRateBp: 1000, byCategory: {}, bySeller: {} }, 40);
    const order = orderCreated([{ sellerId: s, price: 20_000 }]);
    await sell(svc, order, '2024-05-10T03:00:00Z');
    const [may] = (await runFor(s, '2024-05-01', '2024-05-31')).body.settlements;
    expect(may.netAmount).toBe(20_000 - 2_000 - 200);
    await deliver(
      svc,
      'order.refund.completed',
      refundCompleted(order, [{ index: 0, quantity: 1 }], '2024-06-02T00:00:00Z'),
    );
    const [june] = (await runFor(s, '2024-06-01', '2024-06-30')).body.settlements;
    // The refund reverses 2,000 of commission: its VAT (−200) is given back.
    expect(june).toMatchObject({
      grossAmount: 0,
      refundAmount: 18_000,
      commissionVat: -200,
      netAmount: -18_000 + 200,
      carriedOver: 0,
    });
    // July's sales absorb June's negative balance (이월 차감).
    await sell(svc, orderCreated([{ sellerId: s, price: 50_000 }]), '2024-07-05T03:00:00Z');
    const [july] = (await runFor(s, '2024-07-01', '2024-07-31')).body.settlements;
    expect(july).toMatchObject({
      grossAmount: 50_000,
      carriedOver: -17_800,
      netAmount: 50_000 - 5_000 - 500 - 17_800,
    });
    const juneNow = await svc.call('GET', `/api/v1/settlements/${june.id}`, { token: admin });
    expect(juneNow.body.carriedInto).toBe(july.id);
    const calculated = (await svc.outbox('settlement.calculated')).find(
      (e) => e.data.settlementId === july.id,
    );
    expect(calculated?.data).toMatchObject({ commissionVat: 500, carriedOver: -17_800, netAmount: 26_700 });
  });
});

describe('system settings pushed by admin', () => {
  it('refuse a setting settlement does not apply, a bad value naming its field, and callers without the app token', async () => {
    expect(
      (await internal(svc, 'PUT', '/internal/configs/stats.monthlyReport', { value: {}, version: 1 })).status,
    ).toBe(404);
    const bad = await pushRates({ defaultRateBp: 20_000, byCategory: {}, bySeller: {} }, 99);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('value.defaultRateBp');
    const direct = await svc.call('PUT', '/internal/configs/settlement.commission', {
      body: { value: { defaultRateBp: 0 }, version: 100 },
    });
    expect(direct.status).toBe(403);
  });
});
