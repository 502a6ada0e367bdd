/**
 * The back office on the running system: order events published the way order's, payment's and
 * shipping's relays publish them (the ordering work drives them for real once it lands) are
 * settled into a statement PDF and counted in the sales statistics; settings, notices and the
 * dashboard go through admin and Dapr.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventData, EventType, ServiceName } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  base,
  eventually,
  localSecrets,
  login,
  monitored,
  portsOf,
  publishThroughSidecar,
  uniqueEmail,
} from './lib.ts';

const kstDate = (at: Date) => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
const yesterday = kstDate(new Date(Date.now() - 86_400_000));
const at = (hhmm: string) => new Date(`${yesterday}T${hhmm}:00+09:00`).toISOString();

let admin: string;
const seller = { id: '', token: '', store: `한빛상회-${randomUUID().slice(0, 6)}` };
const otherSeller = randomUUID();

async function publish<T extends EventType>(
  from: ServiceName,
  topic: T,
  data: EventData<T>,
  correlationId: string,
) {
  const event = buildEvent(from, 'local', topic, data, { correlationId });
  await publishThroughSidecar(from, topic, event);
  return event;
}

beforeAll(async () => {
  admin = await adminToken();
  const email = uniqueEmail('seller');
  const signup = await api('POST', '/api/v1/users', {
    body: { email, password: 'correct horse battery', name: '김판매', role: 'seller' },
  });
  expect(signup.status).toBe(201);
  seller.id = signup.body.id;
  seller.token = await login(email, 'correct horse battery');
  // The hourly schedule would close yesterday on its own; this test closes it by hand.
  expect((await setSchedule(false)).status).toBe(200);
});
afterAll(async () => {
  await setSchedule(true);
});

const setSchedule = (enabled: boolean) =>
  api('PUT', '/api/v1/admin/configs/settlement.schedule', {
    token: admin,
    body: { value: { cycle: 'DAILY', enabled } },
  });

describe('settlement and statistics driven by order events', () => {
  const correlationId = `e2e-settle-${randomUUID()}`;
  const order = {
    orderId: randomUUID(),
    userId: randomUUID(),
    items: [
      { itemId: randomUUID(), price: 30_000, quantity: 2 },
      { itemId: randomUUID(), price: 12_000, quantity: 1 },
    ],
  };

  it('collects, settles, issues the statement PDF, pays out, and counts the sales', async () => {
    // 10 % for this seller, by a setting changed through admin and handed to settlement by Dapr.
    const rates = await api('PUT', '/api/v1/admin/configs/settlement.commission', {
      token: admin,
      body: { value: { defaultRateBp: 1080, byCategory: {}, bySeller: { [seller.id]: 1000 } } },
    });
    expect(rates.status).toBe(200);
    expect(rates.body).toMatchObject({ owner: 'settlement', applied: true });

    await publish(
      'seller',
      'seller.created',
      {
        sellerId: seller.id,
        userId: seller.id,
        storeName: seller.store,
        status: 'PENDING',
        createdAt: at('09:00'),
      },
      correlationId,
    );
    const items = [
      ...order.items.map((i) => ({
        itemId: i.itemId,
        productId: randomUUID(),
        sku: `SKU-${i.itemId.slice(0, 4)}`,
        sellerId: seller.id,
        quantity: i.quantity,
        price: i.price,
        options: { 색상: '검정' },
        name: '운동화',
      })),
      {
        itemId: randomUUID(),
        productId: randomUUID(),
        sku: 'SKU-OTHER',
        sellerId: otherSeller,
        quantity: 1,
        price: 20_000,
        options: {},
      },
    ];
    // 72,000 + 20,000; this seller's 5,000 coupon; 3,000 shipping each.
    await publish(
      'order',
      'order.created',
      {
        orderId: order.orderId,
        userId: order.userId,
        sellerId: seller.id,
        sellerIds: [seller.id, otherSeller],
        items,
        totalAmount: 92_000,
        discountAmount: 5_000,
        couponId: randomUUID(),
        couponIssuer: 'SELLER',
        couponSellerId: seller.id,
        shippingFee: 6_000,
        sellerShippingFees: [
          { sellerId: seller.id, amount: 3_000 },
          { sellerId: otherSeller, amount: 3_000 },
        ],
        payableAmount: 93_000,
        shippingAddress: {
          recipient: '홍길동',
          phone: '010-1234-5678',
          address: '서울시 중구 세종대로 110',
          zipCode: '04524',
        },
        paymentMethod: 'card',
        paymentDueAt: at('10:10'),
        createdAt: at('10:00'),
      },
      correlationId,
    );
    await publish(
      'payment',
      'payment.completed',
      {
        paymentId: randomUUID(),
        orderId: order.orderId,
        amount: 93_000,
        method: 'card',
        pgTransactionId: `tviva${randomUUID().slice(0, 8)}`,
        paidAt: at('10:01'),
      },
      correlationId,
    );
    await publish(
      'shipping',
      'shipping.delivered',
      {
        shipmentId: randomUUID(),
        orderId: order.orderId,
        sellerId: seller.id,
        deliveredAt: at('15:00'),
        recipient: '홍길동',
      },
      correlationId,
    );
    await publish(
      'order',
      'order.completed',
      {
        orderId: order.orderId,
        userId: order.userId,
        completedAt: at('18:00'),
        payableAmount: 93_000,
        automatic: false,
        items: items.map((i) => ({
          itemId: i.itemId,
          productId: i.productId,
          sku: i.sku,
          sellerId: i.sellerId,
          quantity: i.quantity,
          price: i.price,
        })),
      },
      correlationId,
    );
    // One unit of the first item comes back: 30,000 less its coupon share and commission.
    await publish(
      'order',
      'order.refund.completed',
      {
        orderId: order.orderId,
        userId: order.userId,
        refundRequestId: randomUUID(),
        refundId: randomUUID(),
        amount: 27_917,
        items: [{ itemId: order.items[0]!.itemId, sellerId: seller.id, quantity: 1, amount: 27_917 }],
        completedAt: at('20:00'),
      },
      correlationId,
    );

    // Coupon 5,000 over 60,000 and 12,000 → 4,167 and 833; commission 5,583 + 1,116 = 6,699.
    // The refunded unit reverses 30,000 − 2,084 coupon − 2,792 commission = 25,124 (what the seller kept on it).
    // VAT on the commission kept: ⌊(6,699 − 2,792) × 10 %⌋ = 390.
    const expected = {
      grossAmount: 72_000,
      commission: 6_699,
      commissionVat: 390,
      couponBurden: 5_000,
      shippingFee: 3_000,
      refundAmount: 25_124,
      netAmount: 72_000 - 6_699 - 390 - 5_000 + 3_000 - 25_124,
    };
    await eventually(
      async () => {
        const p = await api('GET', '/api/v1/settlements/pending', { token: seller.token });
        return p.body.payable?.lines === 1 && p.body.payable.refundDeductions === expected.refundAmount;
      },
      30_000,
      'the line payable and the refund figured',
    );

    const run = await api('POST', '/api/v1/admin/settlements/run', {
      token: admin,
      body: { from: yesterday, to: yesterday, sellerId: seller.id },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ period: { from: yesterday, to: yesterday }, created: 1 });
    const list = await api('GET', '/api/v1/settlements', { token: seller.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const settlement = list.body.items[0];
    expect(settlement).toMatchObject({ sellerId: seller.id, lineCount: 1, refundCount: 1, ...expected });

    // Another seller's settlement stays out of this seller's sight.
    const others = await api('GET', `/api/v1/settlements?sellerId=${otherSeller}`, { token: seller.token });
    expect(others.body.items.map((s: { sellerId: string }) => s.sellerId)).toEqual([seller.id]);

    const res = await fetch(`${base()}/api/v1/settlements/${settlement.id}/statement`, {
      headers: { authorization: `Bearer ${seller.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    for (const s of [
      '정산서',
      seller.store,
      '72,000원',
      '6,699원',
      '25,124원',
      `${expected.netAmount.toLocaleString('ko-KR')}원`,
    ])
      expect(text).toContain(s);

    await eventually(
      async () =>
        (await api('GET', `/api/v1/settlements/${settlement.id}`, { token: admin })).body.status ===
        'COMPLETED',
      20_000,
      'the settlement completed',
    );
    const paid = await api('POST', `/api/v1/settlements/${settlement.id}/payout`, {
      token: admin,
      body: { reference: '신한 110-123-456789' },
    });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('PAID');
    const again = await api('POST', `/api/v1/settlements/${settlement.id}/payout`, {
      token: admin,
      body: {},
    });
    expect(again.body.code).toBe('SETTLEMENT_ALREADY_PAID');

    for (const type of ['settlement.calculated', 'settlement.completed', 'settlement.paid']) {
      await eventually(
        async () => (await monitored(admin, { type })).some((e) => JSON.stringify(e).includes(settlement.id)),
        20_000,
        `${type} in the monitor`,
      );
    }

    // Stats counted the same order: the seller's items at 판매가, the platform what the buyer paid.
    const mine = await eventually(
      async () => {
        const r = await api('GET', `/api/v1/stats/sales?granularity=day&from=${yesterday}&to=${yesterday}`, {
          token: seller.token,
        });
        return r.body.totals?.refunds === 1 ? r.body : undefined;
      },
      20_000,
      'the seller’s sales counted',
    );
    expect(mine.totals).toMatchObject({
      orders: 1,
      orderedAmount: 72_000,
      paidOrders: 1,
      paidAmount: 72_000,
      completedOrders: 1,
      completedAmount: 72_000,
      refundedAmount: 27_917,
    });
    const platform = await api(
      'GET',
      `/api/v1/stats/sales?granularity=month&from=${yesterday}&to=${yesterday}`,
      {
        token: admin,
      },
    );
    expect(platform.body.basis).toBe('PAYMENTS');
    expect(platform.body.totals.paidAmount).toBeGreaterThanOrEqual(93_000);
  });
});

describe('the admin back office', () => {
  it('publishes a notice once, seen by the monitor', async () => {
    const draft = await api('POST', '/api/v1/admin/notices', {
      token: admin,
      body: {
        title: '정산일 변경 안내',
        body: '다음 달부터 정산은 매주 월요일에 진행됩니다.',
        audience: 'SELLERS',
      },
    });
    expect(draft.status).toBe(201);
    const published = await api('POST', `/api/v1/admin/notices/${draft.body.id}/publish`, { token: admin });
    expect(published.body.status).toBe('PUBLISHED');
    await eventually(
      async () =>
        (await monitored(admin, { type: 'admin.notice.published' })).some((e) =>
          JSON.stringify(e).includes(draft.body.id),
        ),
      20_000,
      'admin.notice.published in the monitor',
    );
    expect((await api('POST', '/api/v1/admin/notices', { token: seller.token, body: {} })).status).toBe(403);
  });

  it('shows a dashboard gathered from stats and settlement through Dapr', async () => {
    const res = await api('GET', '/api/v1/admin/dashboard', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.sales.status).toBe('OK');
    expect(res.body.sales.data.last7Days).toHaveLength(7);
    expect(res.body.settlements.status).toBe('OK');
    expect(res.body.settlements.data.byStatus.PAID.count).toBeGreaterThanOrEqual(1);
    expect(res.body.monitor.eventsLast24h).toBeGreaterThan(0);
  });

  it('refuses a setting that breaks its schema and a settlement run of a period not over yet', async () => {
    const bad = await api('PUT', '/api/v1/admin/configs/settlement.schedule', {
      token: admin,
      body: { value: { cycle: 'HOURLY', enabled: true } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('value.cycle');
    const today = kstDate(new Date());
    const early = await api('POST', '/api/v1/admin/settlements/run', {
      token: admin,
      body: { from: today, to: today },
    });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('PERIOD_NOT_ENDED');
  });

  it('loads each scheduled job’s cron binding into its own sidecar only', async () => {
    const components = async (s: ServiceName) => {
      const res = await fetch(`http://127.0.0.1:${portsOf(s).daprHttp}/v1.0/metadata`, {
        headers: { 'dapr-api-token': localSecrets().daprApiTokens[s] },
      });
      return ((await res.json()).components as { name: string; type: string }[]).map(
        (c) => `${c.name}:${c.type}`,
      );
    };
    expect(await components('settlement')).toContain('settlement-schedule:bindings.cron');
    expect(await components('stats')).toContain('stats-daily:bindings.cron');
    expect(await components('stats')).not.toContain('settlement-schedule:bindings.cron');
    expect(await components('order')).not.toContain('stats-daily:bindings.cron');
  });
});

function pdfText(pdf: Buffer): string {
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const dir = mkdtempSync(join(tmpdir(), 'statement-'));
  writeFileSync(join(dir, 's.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
}
