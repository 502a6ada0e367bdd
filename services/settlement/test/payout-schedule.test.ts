/** 정기 지급: the scheduled payout batch of each period the scheduled settlement run settled. */
import { orderCreated, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduledBatches } from '../src/domain/payout-schedule.ts';
import { drainPayouts, startBatch } from '../src/domain/payouts.ts';
import { endedPeriod } from '../src/domain/periods.ts';
import { BANK, internal, sell, seller, settlementForFile } from './fixtures.ts';

const svc = settlementForFile();
beforeAll(async () => {
  await internal(svc, 'PUT', '/internal/configs/settlement.commission', {
    value: { defaultRateBp: 1000, byCategory: {}, bySeller: {} },
    version: 1,
  });
});

const payouts = () => svc.ctx.payouts;
const schedule = (value: unknown, version: number) =>
  internal(svc, 'PUT', '/internal/configs/settlement.schedule', { value, version });

/** A seller with a verified account and a sale confirmed a day ago (the daily cycle's last closed period). */
async function sellerSoldYesterday(price: number, n: number) {
  const id = seller();
  const accountNumber = String(300_400_500_000 + n);
  const opened = await svc.app.request(`${BANK}/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bankCode: '004', accountNumber, holderName: '김판매', state: 'NORMAL' }),
  });
  expect(opened.status).toBe(201);
  const reg = await svc.call('PUT', '/api/v1/settlements/bank-account', {
    token: await tokenFor(id, 'seller'),
    body: { bankCode: '004', accountNumber, holderName: '김판매' },
  });
  expect(reg.status).toBe(200);
  const dayAgo = new Date(Date.now() - 24 * 3600_000).toISOString();
  await sell(svc, orderCreated([{ sellerId: id, price }], { createdAt: dayAgo }), dayAgo);
  return id;
}

describe('the scheduled payout batch (정기 지급)', () => {
  it("pays what the scheduled run settled once its statements are issued, once however often or concurrently it runs, beside an admin's batch", async () => {
    const [a, b] = [await sellerSoldYesterday(10_000, 1), await sellerSoldYesterday(20_000, 2)];
    const ran = await internal(svc, 'POST', '/internal/jobs/settlement-run');
    expect(ran.body).toMatchObject({ status: 'RAN', created: 2 });
    // Statements not issued yet: nothing to pay.
    expect(await scheduledBatches(payouts())).toBe(0);
    await svc.ctx.issuer.issuePending();

    const settled = await svc.deps.db
      .selectFrom('settlements')
      .selectAll()
      .where('seller_id', 'in', [a, b])
      .execute();
    const period = endedPeriod(settled[0]!.period_from, settled[0]!.period_to);
    // A worker, a second replica and an admin's batch at once: one batch, one payout per settlement.
    await Promise.all([
      scheduledBatches(payouts()),
      scheduledBatches(payouts()),
      startBatch(payouts(), period, 'a-1'),
    ]);
    const rows = await svc.deps.db
      .selectFrom('payouts')
      .selectAll()
      .where('seller_id', 'in', [a, b])
      .execute();
    // Sold at 10 % commission, its VAT deducted too.
    expect(rows.map((p) => p.amount).sort((x, y) => x - y)).toEqual([8_900, 17_800]);
    expect(new Set(rows.map((p) => p.batch_id)).size).toBe(1);
    expect(await scheduledBatches(payouts())).toBe(0);

    await drainPayouts(payouts());
    const paid = await svc.deps.db
      .selectFrom('settlements')
      .select('status')
      .where('seller_id', 'in', [a, b])
      .execute();
    expect(paid.map((s) => s.status)).toEqual(['PAID', 'PAID']);
  });

  it('waits while settlement.schedule turns payouts off, and pays what is left when they are back on', async () => {
    expect((await schedule({ cycle: 'DAILY', enabled: true, payouts: false }, 2)).status).toBe(200);
    const c = await sellerSoldYesterday(30_000, 3);
    await internal(svc, 'POST', '/internal/jobs/settlement-run');
    await svc.ctx.issuer.issuePending();
    expect(await scheduledBatches(payouts())).toBe(0);
    expect(await schedule({ cycle: 'DAILY', enabled: true }, 3)).toMatchObject({ status: 200 });
    expect(await scheduledBatches(payouts())).toBe(1);
    const row = await svc.deps.db
      .selectFrom('payouts')
      .selectAll()
      .where('seller_id', '=', c)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ amount: 26_700, status: 'PENDING' });
  });
});
