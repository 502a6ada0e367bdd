import { orderCreated, paymentCompleted } from '@mp/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kstDate } from '../src/domain/periods.ts';
import { deliver, internal, type Svc, sell, seller, settlementForFile, start } from './fixtures.ts';

const svc = settlementForFile();

const run = (body: Record<string, unknown>) => internal(svc, 'POST', '/internal/settlements/run', body);

describe('a settlement run (정산 실행)', () => {
  it('is idempotent per seller and period: running it again finds the same settlement', async () => {
    const s = seller();
    await sell(svc, orderCreated([{ sellerId: s, price: 12_000 }]), '2024-04-03T01:00:00Z');
    const first = await run({ from: '2024-04-01', to: '2024-04-30', sellerId: s, requestedBy: 'a-1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      period: {
        from: '2024-04-01',
        to: '2024-04-30',
        start: '2024-03-31T15:00:00.000Z',
        end: '2024-04-30T15:00:00.000Z',
      },
      created: 1,
    });
    const again = await run({ from: '2024-04-01', to: '2024-04-30', sellerId: s });
    expect(again.body.created).toBe(0);
    expect(again.body.settlements.map((x: { id: string }) => x.id)).toEqual([first.body.settlements[0].id]);
    const events = (await svc.outbox('settlement.calculated')).filter((e) => e.data.sellerId === s);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      settlementId: first.body.settlements[0].id,
      grossAmount: 12_000,
      periodStart: '2024-03-31T15:00:00.000Z',
    });
  });

  it('settles a line confirmed in the Korean period: 23:59 KST on the last day is in, 00:00 the next day is out', async () => {
    const s = seller();
    await sell(svc, orderCreated([{ sellerId: s, price: 1_000 }]), '2024-04-30T14:59:59Z');
    await sell(svc, orderCreated([{ sellerId: s, price: 2_000 }]), '2024-04-30T15:00:00Z');
    const [st] = (await run({ from: '2024-04-01', to: '2024-04-30', sellerId: s })).body.settlements;
    expect(st).toMatchObject({ grossAmount: 1_000, lineCount: 1 });
  });

  it('brings a line that arrived after its period was settled into the next run', async () => {
    const s = seller();
    await sell(svc, orderCreated([{ sellerId: s, price: 1_000 }]), '2024-03-05T01:00:00Z');
    await run({ from: '2024-03-01', to: '2024-03-31', sellerId: s });
    // A confirmation of March, heard of only after March was settled.
    await sell(svc, orderCreated([{ sellerId: s, price: 3_000 }]), '2024-03-20T01:00:00Z');
    expect(
      (await run({ from: '2024-03-01', to: '2024-03-31', sellerId: s })).body.settlements[0].grossAmount,
    ).toBe(1_000);
    const [april] = (await run({ from: '2024-04-01', to: '2024-04-30', sellerId: s })).body.settlements;
    expect(april).toMatchObject({ grossAmount: 3_000, lineCount: 1 });
  });

  it('makes no settlement for a seller with nothing due', async () => {
    const res = await run({ from: '2024-04-01', to: '2024-04-30', sellerId: seller() });
    expect(res.body).toMatchObject({ created: 0, settlements: [] });
  });

  it('refuses a reversed, overlong or unfinished period, naming the field', async () => {
    const reversed = await run({ from: '2024-04-02', to: '2024-04-01' });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors[0].path).toBe('from');
    const long = await run({ from: '2022-01-01', to: '2024-01-01' });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].path).toBe('to');
    const today = kstDate(new Date());
    const unfinished = await run({ from: today, to: today });
    expect(unfinished.status).toBe(422);
    expect(unfinished.body.code).toBe('PERIOD_NOT_ENDED');
    const bad = await run({ from: '2024-13-01', to: '2024-04-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'from', in: 'body' });
  });
});

describe('the scheduled run (Dapr cron binding)', () => {
  it('closes the last ended period of the configured cycle, and does nothing when turned off', async () => {
    const s = seller();
    const yesterday = new Date(Date.now() - 86_400_000);
    const noonYesterday = `${kstDate(yesterday)}T03:00:00Z`; // 12:00 KST
    await sell(svc, orderCreated([{ sellerId: s, price: 9_000 }]), noonYesterday);
    await internal(svc, 'PUT', '/internal/configs/settlement.schedule', {
      value: { cycle: 'DAILY', enabled: false },
      version: 1,
    });
    expect((await internal(svc, 'POST', '/internal/jobs/settlement-run')).body).toEqual({
      status: 'DISABLED',
      created: 0,
    });
    await internal(svc, 'PUT', '/internal/configs/settlement.schedule', {
      value: { cycle: 'DAILY', enabled: true },
      version: 2,
    });
    const res = await internal(svc, 'POST', '/internal/jobs/settlement-run');
    expect(res.body).toMatchObject({ status: 'RAN', period: `${kstDate(yesterday)}..${kstDate(yesterday)}` });
    const mine = await svc.call('GET', `/api/v1/settlements?sellerId=${s}`, {
      token: await (await import('@mp/platform/testing')).tokenFor('a-1', 'admin'),
    });
    expect(mine.body.items).toEqual([expect.objectContaining({ grossAmount: 9_000, trigger: 'SCHEDULED' })]);
  });
});

describe('concurrent runs', () => {
  // Started by hand, not with settlementForFile: a second service of its own, for this block only.
  let own: Svc;
  beforeAll(async () => {
    own = await start();
  });
  afterAll(() => own.close());

  it('never settle a line twice: twenty runs of one period and runs of overlapping periods at once', async () => {
    const sellers = [seller(), seller(), seller()];
    let gross = 0;
    for (let k = 0; k < 30; k++) {
      const price = 1_000 * (k + 1);
      gross += price;
      const day = String(1 + (k % 28)).padStart(2, '0');
      await sell(own, orderCreated([{ sellerId: sellers[k % 3]!, price }]), `2024-02-${day}T03:00:00Z`);
    }
    const periods = [
      ['2024-02-01', '2024-02-29'],
      ['2024-02-01', '2024-02-15'],
      ['2024-02-10', '2024-02-29'],
      ['2024-01-01', '2024-03-31'],
    ];
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        internal(own, 'POST', '/internal/settlements/run', {
          from: periods[i % 4]![0],
          to: periods[i % 4]![1],
        }),
      ),
    );
    for (const r of runs) expect(r.status).toBe(200);
    const db = own.deps.db;
    const settlements = await db.selectFrom('settlements').selectAll().execute();
    // Each line in exactly one settlement, and the settlements add up to everything sold.
    const lines = await db.selectFrom('lines').select(['settlement_id']).execute();
    expect(lines).toHaveLength(30);
    expect(lines.every((l) => l.settlement_id)).toBe(true);
    expect(settlements.reduce((a, s) => a + s.gross_amount, 0)).toBe(gross);
    for (const s of settlements) {
      const mine = await db.selectFrom('lines').select(['gross']).where('settlement_id', '=', s.id).execute();
      expect(mine.length).toBe(s.line_count);
      expect(mine.reduce((a, l) => a + l.gross, 0)).toBe(s.gross_amount);
    }
    // At most one settlement per seller and period, one event per settlement.
    const keys = settlements.map((s) => `${s.seller_id}/${s.period_from}/${s.period_to}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(await own.outbox('settlement.calculated')).toHaveLength(settlements.length);
    const created = runs.reduce((a, r) => a + r.body.created, 0);
    expect(created).toBe(settlements.length);
  });

  it('never lose a line that is being collected while a run claims lines', async () => {
    const s = seller();
    const orders = Array.from({ length: 20 }, () => orderCreated([{ sellerId: s, price: 1_000 }]));
    for (const o of orders) await deliver(own, 'order.created', o);
    await Promise.all([
      ...orders.map(async (o) => {
        await deliver(own, 'payment.completed', paymentCompleted(o));
        await deliver(own, 'order.completed', {
          orderId: o.orderId,
          completedAt: '2024-01-20T03:00:00Z',
          userId: o.userId,
          payableAmount: o.payableAmount,
          automatic: true,
          items: [],
        });
      }),
      internal(own, 'POST', '/internal/settlements/run', {
        from: '2024-01-01',
        to: '2024-01-31',
        sellerId: s,
      }),
    ]);
    await internal(own, 'POST', '/internal/settlements/run', {
      from: '2024-02-01',
      to: '2024-02-29',
      sellerId: s,
    });
    const total = await own.deps.db
      .selectFrom('settlements')
      .select((eb) => eb.fn.sum<number>('gross_amount').as('gross'))
      .where('seller_id', '=', s)
      .executeTakeFirstOrThrow();
    expect(Number(total.gross)).toBe(20_000);
  });
});
