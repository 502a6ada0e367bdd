import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent } from '@mp/platform';
import { orderCreated, refundCompleted, TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  internal,
  sell,
  seller,
  sellerBusinesses,
  settlementForFile,
  start,
  unreachableSellers,
} from './fixtures.ts';

let admin: string;
const [s1, s2] = [seller(), seller()];
let settled: { [seller: string]: { id: string } };
const svc = settlementForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
  sellerBusinesses.set(s1, {
    storeName: '한빛상회',
    businessNumber: '220-81-62517',
    representative: '김한빛',
    mailOrderNumber: '2024-서울강남-01234',
    businessAddress: '서울특별시 강남구 테헤란로 1',
  });
  await internal(svc, 'PUT', '/internal/configs/settlement.commission', {
    value: { defaultRateBp: 1080, byCategory: {}, bySeller: {} },
    version: 1,
  });
  const event = buildEvent('seller', 'test', 'seller.created', {
    sellerId: s1,
    userId: s1,
    storeName: '한빛상회',
    status: 'PENDING',
    createdAt: '2024-01-01T00:00:00Z',
  });
  await svc.call('POST', '/events/seller.created', {
    body: { data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });
  for (const [s, price] of [
    [s1, 33_000],
    [s1, 12_345],
    [s2, 50_000],
  ] as const)
    await sell(svc, orderCreated([{ sellerId: s, price }]), '2024-05-10T03:00:00Z');
  const res = await internal(svc, 'POST', '/internal/settlements/run', {
    from: '2024-05-01',
    to: '2024-05-31',
  });
  settled = Object.fromEntries(
    res.body.settlements.map((x: { sellerId: string; id: string }) => [x.sellerId, x]),
  );
});

const as = async (id: string, role: 'buyer' | 'seller' | 'admin') => tokenFor(id, role);

describe('the settlement service', () => {
  it('is alive and documents its routes', async () => {
    expect((await svc.call('GET', '/healthz')).status).toBe(200);
    const doc = await svc.call('GET', '/openapi.json');
    expect(doc.body.info.title).toBe('settlement service');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/settlements',
        '/api/v1/settlements/{id}',
        '/api/v1/settlements/{id}/statement',
        '/api/v1/settlements/{id}/payout',
        '/internal/settlements/run',
      ]),
    );
  });
});

describe('GET /api/v1/settlements', () => {
  it('shows a seller its own settlements only, whatever seller it asks for', async () => {
    const token = await as(s1, 'seller');
    const res = await svc.call('GET', `/api/v1/settlements?sellerId=${s2}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { sellerId: string }) => i.sellerId)).toEqual([s1]);
    expect(res.body.items[0]).toMatchObject({
      period: { from: '2024-05-01', to: '2024-05-31' },
      grossAmount: 45_345,
      commission: 3_564 + 1_333,
      // VAT on the commission: ⌊4,897 × 10 %⌋.
      commissionVat: 489,
      netAmount: 45_345 - 4_897 - 489,
      status: 'CALCULATED',
      statementUrl: null,
    });
  });

  it('shows an admin every seller, filtered by seller, status and period, page by page', async () => {
    const all = await svc.call('GET', '/api/v1/settlements?limit=1', { token: admin });
    expect(all.body.items).toHaveLength(1);
    const next = await svc.call('GET', `/api/v1/settlements?limit=1&cursor=${all.body.nextCursor}`, {
      token: admin,
    });
    expect(next.body.items).toHaveLength(1);
    expect(next.body.nextCursor).toBeNull();
    expect(new Set([all.body.items[0].sellerId, next.body.items[0].sellerId])).toEqual(new Set([s1, s2]));
    const one = await svc.call('GET', `/api/v1/settlements?sellerId=${s2}`, { token: admin });
    expect(one.body.items.map((i: { sellerId: string }) => i.sellerId)).toEqual([s2]);
    expect((await svc.call('GET', '/api/v1/settlements?status=PAID', { token: admin })).body.items).toEqual(
      [],
    );
    expect(
      (await svc.call('GET', '/api/v1/settlements?from=2024-06-01', { token: admin })).body.items,
    ).toEqual([]);
    expect(
      (await svc.call('GET', '/api/v1/settlements?to=2024-05-01', { token: admin })).body.items,
    ).toHaveLength(2);
  });

  it('refuses buyers, anonymous callers, bad filters and foreign cursors', async () => {
    expect((await svc.call('GET', '/api/v1/settlements', { token: await as('b', 'buyer') })).status).toBe(
      403,
    );
    expect((await svc.call('GET', '/api/v1/settlements')).status).toBe(401);
    const reversed = await svc.call('GET', '/api/v1/settlements?from=2024-06-01&to=2024-05-01', {
      token: admin,
    });
    expect(reversed.status).toBe(400);
    const status = await svc.call('GET', '/api/v1/settlements?status=DONE', { token: admin });
    expect(status.body.errors[0]).toMatchObject({ path: 'status', in: 'query' });
    const cursor = await svc.call('GET', '/api/v1/settlements?cursor=abc', { token: admin });
    expect(cursor.body.errors[0].path).toBe('cursor');
  });
});

describe('GET /api/v1/settlements/{id}', () => {
  it('answers the owner and admins, and 404 to another seller', async () => {
    const id = settled[s1]!.id;
    expect(
      (await svc.call('GET', `/api/v1/settlements/${id}`, { token: await as(s1, 'seller') })).body.id,
    ).toBe(id);
    expect((await svc.call('GET', `/api/v1/settlements/${id}`, { token: admin })).status).toBe(200);
    const other = await svc.call('GET', `/api/v1/settlements/${id}`, { token: await as(s2, 'seller') });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('SETTLEMENT_NOT_FOUND');
    expect((await svc.call('GET', '/api/v1/settlements/nope', { token: admin })).status).toBe(400);
    for (const sub of ['lines', 'refunds', 'statement'])
      expect(
        (await svc.call('GET', `/api/v1/settlements/${id}/${sub}`, { token: await as(s2, 'seller') })).status,
      ).toBe(404);
  });

  it('lists its lines page by page', async () => {
    const id = settled[s1]!.id;
    const first = await svc.call('GET', `/api/v1/settlements/${id}/lines?limit=1`, {
      token: await as(s1, 'seller'),
    });
    const second = await svc.call(
      'GET',
      `/api/v1/settlements/${id}/lines?limit=1&cursor=${first.body.nextCursor}`,
      {
        token: await as(s1, 'seller'),
      },
    );
    const gross = [...first.body.items, ...second.body.items]
      .map((l: { grossAmount: number }) => l.grossAmount)
      .sort();
    expect(gross).toEqual([12_345, 33_000]);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('GET /api/v1/settlements/{id}/statement (정산서)', () => {
  it('issues the statement as a PDF in S3 with the seller’s figures in Hangul, and completes the settlement', async () => {
    const id = settled[s1]!.id;
    const res = await svc.app.request(`/api/v1/settlements/${id}/statement`, {
      headers: { authorization: `Bearer ${await as(s1, 'seller')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('settlement-2024-05-01_2024-05-31');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      '정산서',
      '한빛상회',
      '2024-05-01 ~ 2024-05-31',
      '45,345원',
      '4,897원',
      '39,959원',
      '판매수수료',
      '판매수수료 부가세',
      '489원',
      // The 세금계산서 data: the seller's business receives it; supply 4,897 + VAT 489 = 5,386.
      '세금계산서',
      '공급받는자',
      '5,386원',
      '220-81-62517',
      '김한빛',
      '2024-서울강남-01234',
    ])
      expect(text).toContain(expected);
    const now = await svc.call('GET', `/api/v1/settlements/${id}`, { token: admin });
    expect(now.body).toMatchObject({
      status: 'COMPLETED',
      statementUrl: `/api/v1/settlements/${id}/statement`,
    });
    const [event] = (await svc.outbox('settlement.completed')).filter((e) => e.data.settlementId === id);
    expect(event?.data).toMatchObject({ sellerId: s1, netAmount: 39_959, commissionVat: 489 });
    // The stored file is served again, not issued twice.
    const again = await svc.app.request(`/api/v1/settlements/${id}/statement`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(Buffer.from(await again.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await svc.outbox('settlement.completed')).filter((e) => e.data.settlementId === id)).toHaveLength(
      1,
    );
  });

  it('waits for the seller service: 503 while it cannot be reached, issued with the business details after', async () => {
    const s = seller();
    sellerBusinesses.set(s, {
      storeName: '바른상점',
      businessNumber: '105-87-00002',
      representative: '이바른',
      mailOrderNumber: '2023-경기성남-0777',
      businessAddress: null,
    });
    unreachableSellers.add(s);
    await sell(svc, orderCreated([{ sellerId: s, price: 2_000 }]));
    const runs = await internal(svc, 'POST', '/internal/settlements/run', {
      from: '2024-05-01',
      to: '2024-05-31',
    });
    const st = runs.body.settlements.find((x: { sellerId: string }) => x.sellerId === s);
    const refused = await svc.call('GET', `/api/v1/settlements/${st.id}/statement`, { token: admin });
    expect([refused.status, refused.body.code]).toEqual([503, 'STATEMENT_UNAVAILABLE']);
    expect((await svc.call('GET', `/api/v1/settlements/${st.id}`, { token: admin })).body.status).toBe(
      'CALCULATED',
    );
    unreachableSellers.delete(s);
    const res = await svc.app.request(`/api/v1/settlements/${st.id}/statement`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    for (const expected of ['바른상점', '105-87-00002', '이바른', '2023-경기성남-0777'])
      expect(text).toContain(expected);
  });

  it('answers 503 when the statement store cannot be reached, and leaves the settlement as it was', async () => {
    const broken = await start();
    try {
      const s = seller();
      await sell(broken, orderCreated([{ sellerId: s, price: 1_000 }]));
      const [st] = (
        await internal(broken, 'POST', '/internal/settlements/run', { from: '2024-05-01', to: '2024-05-31' })
      ).body.settlements;
      // Point the service at a port nobody listens on.
      const { createDocuments } = await import('@mp/documents');
      const parts = broken.ctx;
      const dead = createDocuments({ ...broken.deps.config, S3_ENDPOINT: 'http://127.0.0.1:9' });
      Object.assign(parts.storage, dead);
      const res = await broken.call('GET', `/api/v1/settlements/${st.id}/statement`, { token: admin });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('STATEMENT_UNAVAILABLE');
      expect((await broken.call('GET', `/api/v1/settlements/${st.id}`, { token: admin })).body.status).toBe(
        'CALCULATED',
      );
      expect(await broken.outbox('settlement.completed')).toEqual([]);
    } finally {
      await broken.close();
    }
  });
});

describe('POST /api/v1/settlements/{id}/payout (정산 지급)', () => {
  it('pays an issued settlement once, for admins only', async () => {
    const id = settled[s2]!.id;
    const pay = () =>
      svc.call('POST', `/api/v1/settlements/${id}/payout`, {
        token: admin,
        body: { reference: '국민 123-456' },
      });
    expect((await pay()).body.code).toBe('STATEMENT_NOT_ISSUED');
    expect(
      (
        await svc.call('POST', `/api/v1/settlements/${id}/payout`, {
          token: await as(s2, 'seller'),
          body: {},
        })
      ).status,
    ).toBe(403);
    await svc.call('GET', `/api/v1/settlements/${id}/statement`, { token: admin });
    const tooLong = await svc.call('POST', `/api/v1/settlements/${id}/payout`, {
      token: admin,
      body: { reference: 'x'.repeat(101) },
    });
    expect(tooLong.body.errors[0].path).toBe('reference');
    // Ten admins press the button at once: one payout.
    const answers = await Promise.all(Array.from({ length: 10 }, pay));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(
      answers.filter((a) => a.status === 409).every((a) => a.body.code === 'SETTLEMENT_ALREADY_PAID'),
    ).toBe(true);
    const paid = answers.find((a) => a.status === 200)!.body;
    expect(paid).toMatchObject({
      status: 'PAID',
      payoutReference: '국민 123-456',
      netAmount: 50_000 - 5_400 - 540,
    });
    const events = (await svc.outbox('settlement.paid')).filter((e) => e.data.settlementId === id);
    expect(events.map((e) => e.data.amount)).toEqual([44_060]);
    expect(
      (
        await svc.call('POST', `/api/v1/settlements/${crypto.randomUUID()}/payout`, {
          token: admin,
          body: {},
        })
      ).status,
    ).toBe(404);
  });

  it('refuses to pay a settlement whose net is not positive', async () => {
    const s = seller();
    const order = orderCreated([{ sellerId: s, price: 10_000 }]);
    await sell(svc, order, '2024-03-10T03:00:00Z');
    await internal(svc, 'POST', '/internal/settlements/run', {
      from: '2024-03-01',
      to: '2024-03-31',
      sellerId: s,
    });
    await deliver(
      svc,
      'order.refund.completed',
      refundCompleted(order, [{ index: 0, quantity: 1 }], '2024-04-02T00:00:00Z'),
    );
    const [april] = (
      await internal(svc, 'POST', '/internal/settlements/run', {
        from: '2024-04-01',
        to: '2024-04-30',
        sellerId: s,
      })
    ).body.settlements;
    expect(april.netAmount).toBeLessThan(0);
    await svc.call('GET', `/api/v1/settlements/${april.id}/statement`, { token: admin });
    const res = await svc.call('POST', `/api/v1/settlements/${april.id}/payout`, { token: admin, body: {} });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NOTHING_TO_PAY');
  });
});

describe('what is not settled yet', () => {
  it('shows a seller its own pending amounts (정산 예정)', async () => {
    const s = seller();
    await sell(svc, orderCreated([{ sellerId: s, price: 10_000 }]), '2024-05-20T03:00:00Z');
    const res = await svc.call('GET', `/api/v1/settlements/pending?sellerId=${s2}`, {
      token: await as(s, 'seller'),
    });
    expect(res.body).toEqual({
      sellerId: s,
      payable: {
        lines: 1,
        grossAmount: 10_000,
        netAmount: 10_000 - 1_080 - 108,
        refundDeductions: 0,
        returnShippingFees: 0,
      },
      awaitingConfirmation: { lines: 0, grossAmount: 0, netAmount: 0 },
    });
  });

  it('gives the admin dashboard its figures through an internal route', async () => {
    const res = await internal(svc, 'GET', '/internal/summary');
    expect(res.status).toBe(200);
    expect(res.body.byStatus.PAID.count).toBeGreaterThanOrEqual(1);
    expect(res.body.unsettled.payableLines).toBeGreaterThanOrEqual(1);
    expect((await svc.call('GET', '/internal/summary')).status).toBe(403);
  });
});

describe('the statement issuer', () => {
  it('issues each calculated settlement once when issuers run at the same time', async () => {
    const sellers = [seller(), seller(), seller()];
    for (const s of sellers)
      await sell(svc, orderCreated([{ sellerId: s, price: 5_000 }]), '2024-02-10T03:00:00Z');
    const run = await internal(svc, 'POST', '/internal/settlements/run', {
      from: '2024-02-01',
      to: '2024-02-29',
    });
    const ids: string[] = run.body.settlements.map((x: { id: string }) => x.id);
    expect(ids).toHaveLength(3);
    const { issuer } = svc.ctx;
    await Promise.all([
      issuer.issuePending(),
      issuer.issuePending(),
      issuer.issue(ids[0]!),
      issuer.issue(ids[2]!),
    ]);
    const completed = (await svc.outbox('settlement.completed')).filter((e) =>
      ids.includes(e.data.settlementId),
    );
    expect(completed.map((e) => e.data.settlementId).sort()).toEqual([...ids].sort());
    for (const id of ids)
      expect((await svc.call('GET', `/api/v1/settlements/${id}`, { token: admin })).body.status).toBe(
        'COMPLETED',
      );
  });
});

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'statement-'));
  writeFileSync(join(dir, 's.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
}
