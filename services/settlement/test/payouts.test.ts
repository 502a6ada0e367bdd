/** 지급: bank accounts checked with the bank, payout batches, failed transfers retried, holds. */
import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig, sql } from '@mp/platform';
import { orderCreated, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { drainPayouts } from '../src/domain/payouts.ts';
import { service } from '../src/service.ts';
import { BANK, internal, sell, seller, sellerBusinesses, settlementForFile, start } from './fixtures.ts';

let admin: string;
const svc = settlementForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
  await internal(svc, 'PUT', '/internal/configs/settlement.commission', {
    value: { defaultRateBp: 1000, byCategory: {}, bySeller: {} },
    version: 1,
  });
});

const as = (id: string, role: 'seller' | 'admin' | 'buyer') => tokenFor(id, role);
const api = async (method: string, path: string, token: string, body?: unknown) =>
  svc.call(method, path, { ...(body === undefined ? {} : { body }), token });
const drain = () => drainPayouts(svc.ctx.payouts);

let accountNo = 100_200_300_000;
/** Opens an account in the bank sandbox. */
async function openAccount(holderName: string, state: 'NORMAL' | 'SUSPENDED' | 'SLOW' = 'NORMAL') {
  const accountNumber = String(accountNo++);
  const res = await svc.app.request(`${BANK}/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bankCode: '004', accountNumber, holderName, state }),
  });
  expect(res.status).toBe(201);
  return accountNumber;
}

/** A seller with a verified account and an issued settlement of the month's sale. */
async function sellerWithSettlement(
  month: string,
  price: number,
  state: 'NORMAL' | 'SUSPENDED' | 'SLOW' = 'NORMAL',
) {
  const id = seller();
  const accountNumber = await openAccount('김판매', state);
  const reg = await api('PUT', '/api/v1/settlements/bank-account', await as(id, 'seller'), {
    bankCode: '004',
    accountNumber,
    holderName: '김판매',
  });
  expect(reg.status).toBe(200);
  await sell(
    svc,
    orderCreated([{ sellerId: id, price }], { createdAt: `${month}-01T01:00:00Z` }),
    `${month}-10T03:00:00Z`,
  );
  return id;
}

async function settleMonth(month: string) {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0))
    .toISOString()
    .slice(0, 10);
  const res = await internal(svc, 'POST', '/internal/settlements/run', { from: `${month}-01`, to: last });
  expect(res.status).toBe(200);
  await svc.ctx.issuer.issuePending();
  return { from: `${month}-01`, to: last };
}

describe('a seller’s payout account (정산 계좌)', () => {
  it('is kept only when the bank names the same holder, the number sealed and shown masked', async () => {
    const id = seller();
    const token = await as(id, 'seller');
    const accountNumber = await openAccount('(주) 한빛상회');
    const mismatch = await api('PUT', '/api/v1/settlements/bank-account', token, {
      bankCode: '004',
      accountNumber,
      holderName: '이몽룡',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({
      code: 'BANK_ACCOUNT_HOLDER_MISMATCH',
      errors: [{ path: 'holderName' }],
    });
    const unknown = await api('PUT', '/api/v1/settlements/bank-account', token, {
      bankCode: '004',
      accountNumber: '999000111',
      holderName: '한빛상회',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      code: 'BANK_ACCOUNT_NOT_FOUND',
      errors: [{ path: 'accountNumber' }],
    });
    expect((await api('GET', '/api/v1/settlements/bank-account', token)).status).toBe(404);

    const ok = await api('PUT', '/api/v1/settlements/bank-account', token, {
      bankCode: '004',
      accountNumber: `${accountNumber.slice(0, 4)}-${accountNumber.slice(4)}`,
      holderName: '(주)한빛상회',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ bankCode: '004', holderName: '(주) 한빛상회' });
    expect(ok.body.accountNumber).toBe(`${'*'.repeat(accountNumber.length - 4)}${accountNumber.slice(-4)}`);
    const row = await svc.deps.db
      .selectFrom('bank_accounts')
      .selectAll()
      .where('seller_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.account_sealed).not.toContain(accountNumber);
    expect(svc.ctx.payouts.unseal(row.account_sealed)).toBe(accountNumber);
    expect((await api('GET', '/api/v1/settlements/bank-account', token)).body.accountNumber).toBe(
      ok.body.accountNumber,
    );
  });

  it('is registered by the seller only, with the field named when it is malformed', async () => {
    const bad = await api('PUT', '/api/v1/settlements/bank-account', await as(seller(), 'seller'), {
      bankCode: '4',
      accountNumber: '12',
      holderName: '',
    });
    expect(bad.status).toBe(400);
    const buyer = await api('PUT', '/api/v1/settlements/bank-account', await as(seller(), 'buyer'), {
      bankCode: '004',
      accountNumber: '100200300',
      holderName: '김',
    });
    expect(buyer.status).toBe(403);
  });
});

describe('a payout batch (지급 배치)', () => {
  it('pays the others when one transfer fails; the failed one keeps its reason and is paid once retried to a fixed account', async () => {
    const good1 = await sellerWithSettlement('2024-01', 10_000);
    const good2 = await sellerWithSettlement('2024-01', 20_000);
    const bad = await sellerWithSettlement('2024-01', 30_000, 'SUSPENDED');
    const period = await settleMonth('2024-01');

    const started = await api('POST', '/api/v1/settlements/payout-batches', admin, period);
    expect(started.status).toBe(200);
    expect(started.body.totals).toMatchObject({ count: 3, open: 3, amount: 8_900 + 17_800 + 26_700 });
    await drain();
    const batch = (await api('GET', `/api/v1/settlements/payout-batches/${started.body.id}`, admin)).body;
    const by = (s: string) => batch.payouts.find((p: { sellerId: string }) => p.sellerId === s);
    expect(by(good1)).toMatchObject({ status: 'PAID', amount: 8_900 });
    expect(by(good2)).toMatchObject({ status: 'PAID', amount: 17_800 });
    expect(by(bad)).toMatchObject({
      status: 'FAILED',
      failureCode: 'BANK_551',
      failureReason: '거래정지 계좌',
      attempt: 1,
    });
    expect(batch.totals).toMatchObject({ paid: 2, failed: 1, open: 0 });

    const statusOf = async (s: string) =>
      (
        await svc.deps.db
          .selectFrom('settlements')
          .select('status')
          .where('seller_id', '=', s)
          .executeTakeFirstOrThrow()
      ).status;
    expect(await statusOf(good1)).toBe('PAID');
    expect(await statusOf(bad)).toBe('COMPLETED');
    const paidEvents = (await svc.outbox('settlement.paid')).filter((e) =>
      [good1, good2, bad].includes(e.data.sellerId),
    );
    expect(paidEvents.map((e) => e.data.sellerId).sort()).toEqual([good1, good2].sort());
    const failed = await svc.outbox('settlement.payout.failed');
    expect(failed.filter((e) => e.data.sellerId === bad)).toHaveLength(1);

    const listed = await api('GET', '/api/v1/settlements/payouts?status=FAILED', admin);
    expect(listed.body.items.map((p: { sellerId: string }) => p.sellerId)).toContain(bad);

    // The seller registers a working account; an admin retries: a new attempt, paid.
    const fixed = await openAccount('김판매');
    await api('PUT', '/api/v1/settlements/bank-account', await as(bad, 'seller'), {
      bankCode: '004',
      accountNumber: fixed,
      holderName: '김판매',
    });
    const retried = await api('POST', `/api/v1/settlements/payouts/${by(bad).id}/retry`, admin);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'PENDING', attempt: 2, failureReason: null });
    expect(retried.body.transferReference).not.toBe(by(bad).transferReference);
    await drain();
    expect(await statusOf(bad)).toBe('PAID');
    const again = await api('POST', `/api/v1/settlements/payouts/${by(bad).id}/retry`, admin);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PAYOUT_NOT_FAILED');

    // Run again: nothing new, nothing paid twice.
    const rerun = await api('POST', '/api/v1/settlements/payout-batches', admin, period);
    expect(rerun.body.id).toBe(started.body.id);
    expect(rerun.body.totals).toMatchObject({ count: 3, paid: 3 });
    expect((await svc.outbox('settlement.paid')).filter((e) => e.data.sellerId === bad)).toHaveLength(1);
  });

  it('pays once when ten batches of one period run at once, and a hand-marked payout beside them is refused', async () => {
    const sellers = await Promise.all([1, 2, 3, 4].map((i) => sellerWithSettlement('2024-02', i * 1_000)));
    const period = await settleMonth('2024-02');
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => api('POST', '/api/v1/settlements/payout-batches', admin, period)),
    );
    expect(runs.every((r) => r.status === 200)).toBe(true);
    expect(new Set(runs.map((r) => r.body.id)).size).toBe(1);
    await Promise.all([drain(), drain(), drain()]);
    const rows = await svc.deps.db
      .selectFrom('payouts')
      .selectAll()
      .where('seller_id', 'in', sellers)
      .execute();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'PAID')).toBe(true);
    // The bank saw one transfer per settlement.
    const { rows: sent } = await sql<{ n: number }>`
      select count(*)::int as n from bank_sandbox_transfers where bank_tran_id in (${sql.join(rows.map((r) => r.transfer_ref))})`.execute(
      svc.deps.db,
    );
    expect(sent[0]?.n).toBe(4);
    const settlementId = rows[0]!.settlement_id;
    const manual = await api('POST', `/api/v1/settlements/${settlementId}/payout`, admin, { reference: 'x' });
    expect(manual.status).toBe(409);
  });

  it('follows a transfer the bank is still processing (처리중) until it says it is done', async () => {
    const id = await sellerWithSettlement('2024-03', 5_000, 'SLOW');
    const period = await settleMonth('2024-03');
    await api('POST', '/api/v1/settlements/payout-batches', admin, period);
    await drain();
    const mid = await svc.deps.db
      .selectFrom('payouts')
      .selectAll()
      .where('seller_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(mid.status).toBe('PROCESSING');
    await drain();
    const done = await svc.deps.db
      .selectFrom('payouts')
      .selectAll()
      .where('seller_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(done.status).toBe('PAID');
  });

  it('after a crash between claiming a payout and sending it, asks the bank first and sends it once, with the same id', async () => {
    const id = await sellerWithSettlement('2024-05', 4_000);
    const period = await settleMonth('2024-05');
    await svc.ctx.payouts.db.transaction().execute(async (trx) => {
      // As a batch would leave it, then as a claim would before the process died: PROCESSING, never sent.
      const b = await api('POST', '/api/v1/settlements/payout-batches', admin, period);
      expect(b.status).toBe(200);
      await trx
        .updateTable('payouts')
        .set({ status: 'PROCESSING', sent_at: new Date(), updated_at: new Date(Date.now() - 60_000) })
        .where('seller_id', '=', id)
        .execute();
    });
    await drain();
    const p = await svc.deps.db
      .selectFrom('payouts')
      .selectAll()
      .where('seller_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(p).toMatchObject({ status: 'PAID', attempt: 1 });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from bank_sandbox_transfers where bank_tran_id = ${p.transfer_ref}`.execute(
      svc.deps.db,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('leaves held sellers and settlements out until the hold is released', async () => {
    const heldSeller = await sellerWithSettlement('2024-04', 1_000);
    const heldOne = await sellerWithSettlement('2024-04', 2_000);
    const free = await sellerWithSettlement('2024-04', 3_000);
    const period = await settleMonth('2024-04');
    const s = await svc.deps.db
      .selectFrom('settlements')
      .select('id')
      .where('seller_id', '=', heldOne)
      .executeTakeFirstOrThrow();
    const h1 = await api('POST', '/api/v1/settlements/holds', admin, {
      sellerId: heldSeller,
      reason: '사업자 확인 중',
    });
    const h2 = await api('POST', '/api/v1/settlements/holds', admin, {
      settlementId: s.id,
      reason: '분쟁 조사',
    });
    expect([h1.status, h2.status]).toEqual([201, 201]);
    expect(h2.body).toMatchObject({ sellerId: heldOne, settlementId: s.id, reason: '분쟁 조사' });
    const noTarget = await api('POST', '/api/v1/settlements/holds', admin, { reason: 'x' });
    expect(noTarget.status).toBe(400);

    const batch = await api('POST', '/api/v1/settlements/payout-batches', admin, period);
    expect(batch.body.payouts.map((p: { sellerId: string }) => p.sellerId)).toEqual([free]);
    const active = await api('GET', '/api/v1/settlements/holds', admin);
    expect(active.body.items.map((h: { id: string }) => h.id)).toEqual(
      expect.arrayContaining([h1.body.id, h2.body.id]),
    );

    expect((await api('POST', `/api/v1/settlements/holds/${h1.body.id}/release`, admin)).status).toBe(200);
    expect((await api('POST', `/api/v1/settlements/holds/${h1.body.id}/release`, admin)).body.code).toBe(
      'HOLD_ALREADY_RELEASED',
    );
    await api('POST', `/api/v1/settlements/holds/${h2.body.id}/release`, admin);
    const next = await api('POST', '/api/v1/settlements/payout-batches', admin, period);
    expect(next.body.payouts.map((p: { sellerId: string }) => p.sellerId).sort()).toEqual(
      [heldSeller, heldOne, free].sort(),
    );
    await drain();
    const after = await api('GET', `/api/v1/settlements/payout-batches/${next.body.id}`, admin);
    expect(after.body.totals).toMatchObject({ count: 3, paid: 3 });
  });

  it('is for admins only, and refuses a period that has not ended', async () => {
    const asSeller = await api('POST', '/api/v1/settlements/payout-batches', await as(seller(), 'seller'), {
      from: '2024-01-01',
      to: '2024-01-31',
    });
    expect(asSeller.status).toBe(403);
    const future = await api('POST', '/api/v1/settlements/payout-batches', admin, {
      from: '2024-01-01',
      to: '2999-01-01',
    });
    expect(future.status).toBe(400);
  });
});

describe('the 세금계산서 data of the commission', () => {
  it('names the platform as issuer and the seller’s business as recipient, with supply amount, VAT and total, as JSON and CSV', async () => {
    const id = seller();
    sellerBusinesses.set(id, {
      storeName: '=HYPERLINK("x")',
      businessNumber: '220-81-62517',
      representative: '김한빛',
      mailOrderNumber: '2024-서울강남-01234',
      businessAddress: '서울특별시 강남구 테헤란로 1',
    });
    await sell(svc, orderCreated([{ sellerId: id, price: 33_333 }]), '2024-06-10T03:00:00Z');
    await settleMonth('2024-06');
    const s = await svc.deps.db
      .selectFrom('settlements')
      .selectAll()
      .where('seller_id', '=', id)
      .executeTakeFirstOrThrow();
    const token = await as(id, 'seller');
    const one = await api('GET', `/api/v1/settlements/${s.id}/tax-invoice`, token);
    expect(one.status).toBe(200);
    // Commission ⌊33,333 × 10 %⌋ = 3,333; VAT ⌊333.3⌋ = 333.
    expect(one.body).toMatchObject({
      settlementId: s.id,
      recipient: { name: '=HYPERLINK("x")', businessNumber: '220-81-62517', representative: '김한빛' },
      item: '판매수수료',
      supplyAmount: 3_333,
      vat: 333,
      total: 3_666,
      supplyDate: '2024-06-30',
    });
    expect(one.body.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(
      (await api('GET', `/api/v1/settlements/${s.id}/tax-invoice`, await as(seller(), 'seller'))).status,
    ).toBe(404);

    const res = await svc.app.request('/api/v1/settlements/tax-invoices?from=2024-06-01&to=2024-06-30', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(rows[0]).toContain('공급가액,세액,합계금액');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(',판매수수료,3333,333,3666');
    // A cell that would be a spreadsheet formula is defused.
    expect(rows[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('outside local profiles', () => {
  it('mounts no bank sandbox, and refuses account checks and batches while no bank is configured (fail closed)', async () => {
    const prod = await start({
      LOCAL_DEV: 'false',
      BANK_API_BASE_URL: BANK,
      BANK_ACCOUNT_KEY: randomBytes(32).toString('base64'),
    });
    try {
      const sandbox = await prod.call('POST', '/sandbox/bank/accounts', {
        body: { bankCode: '004', accountNumber: '100200300', holderName: '김' },
      });
      expect(sandbox.status).toBe(404);
      const reg = await prod.call('PUT', '/api/v1/settlements/bank-account', {
        token: await as(seller(), 'seller'),
        body: { bankCode: '004', accountNumber: '100200300', holderName: '김' },
      });
      expect(reg.status).toBe(503);
      expect(reg.body.code).toBe('BANK_UNAVAILABLE');
      const batch = await prod.call('POST', '/api/v1/settlements/payout-batches', {
        token: admin,
        body: { from: '2024-01-01', to: '2024-01-31' },
      });
      expect(batch.status).toBe(503);
    } finally {
      await prod.close();
    }
  });

  it('needs the key that seals account numbers', () => {
    const env = { DATABASE_URL: 'postgres://x@localhost/db', APP_API_TOKEN: 'x'.repeat(16) };
    expect(() => parseConfig('settlement', service.config!, env)).toThrow(ConfigError);
    try {
      parseConfig('settlement', service.config!, env);
    } catch (err) {
      expect((err as ConfigError).issues.map((i) => i.variable)).toContain('BANK_ACCOUNT_KEY');
    }
    expect(() =>
      parseConfig('settlement', service.config!, {
        ...env,
        BANK_ACCOUNT_KEY: randomBytes(32).toString('base64'),
      }),
    ).not.toThrow();
  });
});
