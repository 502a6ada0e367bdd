/**
 * 지급 on the running system: three sellers' settlements of yesterday are paid out by one batch.
 * Two transfers go through and those settlements become PAID; the third seller's account is 거래정지
 * at the bank (the bank sandbox's SUSPENDED account), so its transfer fails and waits with its
 * reason; the seller registers another account and an admin retries: paid, once.
 */
import { randomUUID } from 'node:crypto';
import type { EventData, EventType, ServiceName } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually, login, publishThroughSidecar, uniqueEmail } from './lib.ts';

const kstDate = (at: Date) => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
const yesterday = kstDate(new Date(Date.now() - 86_400_000));
const at = (hhmm: string) => new Date(`${yesterday}T${hhmm}:00+09:00`).toISOString();

let admin: string;
interface Seller {
  id: string;
  token: string;
  price: number;
}
const sellers: Seller[] = [];

async function publish<T extends EventType>(from: ServiceName, topic: T, data: EventData<T>) {
  await publishThroughSidecar(from, topic, buildEvent(from, 'local', topic, data));
}

let nextAccount = Number(`9${Date.now() % 1_000_000_000}`.padEnd(12, '0'));
/** Opens an account at the bank sandbox (local profiles only). */
async function openAccount(holderName: string, state: 'NORMAL' | 'SUSPENDED') {
  const accountNumber = String(nextAccount++);
  const res = await api('POST', '/sandbox/bank/accounts', {
    body: { bankCode: '088', accountNumber, holderName, state },
  });
  expect(res.status).toBe(201);
  return accountNumber;
}

async function register(s: Seller, accountNumber: string, holderName: string) {
  return api('PUT', '/api/v1/settlements/bank-account', {
    token: s.token,
    body: { bankCode: '088', accountNumber, holderName },
  });
}

beforeAll(async () => {
  admin = await adminToken();
  for (const price of [10_000, 20_000, 30_000]) {
    const email = uniqueEmail('payee');
    const signup = await api('POST', '/api/v1/users', {
      body: { email, password: 'correct horse battery', name: '김판매', role: 'seller' },
    });
    expect(signup.status).toBe(201);
    sellers.push({ id: signup.body.id, token: await login(email, 'correct horse battery'), price });
  }
});

describe('a payout batch (지급 배치)', () => {
  it('pays two sellers, keeps the failed transfer with its reason, and pays it once retried to a fixed account', async () => {
    // One order of the three sellers, paid and confirmed yesterday.
    const orderId = randomUUID();
    const items = sellers.map((s) => ({
      itemId: randomUUID(),
      productId: randomUUID(),
      sku: `SKU-${randomUUID().slice(0, 4)}`,
      sellerId: s.id,
      quantity: 1,
      price: s.price,
      options: {},
    }));
    const total = items.reduce((a, i) => a + i.price, 0);
    await publish('order', 'order.created', {
      orderId,
      userId: randomUUID(),
      sellerId: sellers[0]!.id,
      sellerIds: sellers.map((s) => s.id),
      items,
      totalAmount: total,
      discountAmount: 0,
      shippingFee: 0,
      payableAmount: total,
      shippingAddress: {
        recipient: '홍길동',
        phone: '010-1234-5678',
        address: '서울시 중구 세종대로 110',
        zipCode: '04524',
      },
      paymentMethod: 'card',
      paymentDueAt: at('10:10'),
      createdAt: at('10:00'),
    });
    await publish('payment', 'payment.completed', {
      paymentId: randomUUID(),
      orderId,
      amount: total,
      method: 'card',
      pgTransactionId: `pg-${randomUUID()}`,
      paidAt: at('10:01'),
    });
    await publish('order', 'order.completed', {
      orderId,
      completedAt: at('18:00'),
      userId: randomUUID(),
      payableAmount: total,
      automatic: false,
      items: items.map(({ itemId, productId, sku, sellerId, quantity, price }) => ({
        itemId,
        productId,
        sku,
        sellerId,
        quantity,
        price,
      })),
    });

    // The 예금주 is checked: a wrong name is refused, naming the field.
    const [ok1, ok2, bad] = sellers as [Seller, Seller, Seller];
    const a1 = await openAccount('김판매', 'NORMAL');
    const mismatch = await register(ok1, a1, '박판매');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({
      code: 'BANK_ACCOUNT_HOLDER_MISMATCH',
      errors: [{ path: 'holderName' }],
    });
    expect((await register(ok1, a1, '김판매')).status).toBe(200);
    expect((await register(ok2, await openAccount('김판매', 'NORMAL'), '김판매')).status).toBe(200);
    const suspended = await register(bad, await openAccount('김판매', 'SUSPENDED'), '김판매');
    expect(suspended.status).toBe(200);
    expect(suspended.body.accountNumber).toMatch(/^\*+\d{4}$/);

    // Each seller's day is settled, and its statement issued (COMPLETED).
    for (const s of sellers) {
      await eventually(
        async () => {
          const p = await api('GET', '/api/v1/settlements/pending', { token: s.token });
          return p.body.payable?.lines === 1;
        },
        30_000,
        'the line payable',
      );
      const run = await api('POST', '/api/v1/admin/settlements/run', {
        token: admin,
        body: { from: yesterday, to: yesterday, sellerId: s.id },
      });
      expect(run.status).toBe(200);
    }
    const settlementOf = async (s: Seller) =>
      (await api('GET', '/api/v1/settlements', { token: s.token })).body.items[0];
    for (const s of sellers)
      await eventually(
        async () => (await settlementOf(s))?.status === 'COMPLETED',
        30_000,
        'the statement issued',
      );

    const batch = await api('POST', '/api/v1/settlements/payout-batches', {
      token: admin,
      body: { from: yesterday, to: yesterday },
    });
    expect(batch.status).toBe(200);
    const mine = (b: { payouts: { sellerId: string }[] }) =>
      b.payouts.filter((p) => sellers.some((s) => s.id === p.sellerId));
    expect(mine(batch.body)).toHaveLength(3);
    const payoutOf = async (s: Seller) =>
      (
        await api('GET', `/api/v1/settlements/payout-batches/${batch.body.id}`, { token: admin })
      ).body.payouts.find((p: { sellerId: string }) => p.sellerId === s.id);
    // The settled net is paid: the price less the commission and the commission's 10 % VAT.
    for (const s of [ok1, ok2]) {
      const p = await eventually(
        async () => {
          const x = await payoutOf(s);
          return x?.status === 'PAID' && x;
        },
        30_000,
        'the transfer done',
      );
      const settled = await settlementOf(s);
      expect(settled.commissionVat).toBe(Math.floor(settled.commission / 10));
      expect(p.amount).toBe(s.price - settled.commission - settled.commissionVat);
      expect(settled).toMatchObject({
        status: 'PAID',
        netAmount: p.amount,
        payoutReference: p.transferReference,
      });
    }
    const failed = await eventually(
      async () => {
        const x = await payoutOf(bad);
        return x?.status === 'FAILED' && x;
      },
      30_000,
      'the transfer refused',
    );
    expect(failed).toMatchObject({ failureCode: 'BANK_551', failureReason: '거래정지 계좌', attempt: 1 });
    expect((await settlementOf(bad)).status).toBe('COMPLETED');
    const waiting = await api('GET', `/api/v1/settlements/payouts?status=FAILED&sellerId=${bad.id}`, {
      token: admin,
    });
    expect(waiting.body.items.map((p: { id: string }) => p.id)).toEqual([failed.id]);
    // The seller is told, with the bank's reason.
    const told = await eventually(
      async () =>
        (await api('GET', '/api/v1/notifications', { token: bad.token })).body.items?.find(
          (i: { template: string }) => i.template === 'settlement-payout-failed',
        ),
      30_000,
      'the seller told of the refused transfer',
    );
    expect(told.body).toContain('거래정지 계좌');

    // Running the batch again pays nobody twice.
    const again = await api('POST', '/api/v1/settlements/payout-batches', {
      token: admin,
      body: { from: yesterday, to: yesterday },
    });
    expect(again.body.id).toBe(batch.body.id);
    expect(mine(again.body)).toHaveLength(3);

    // The seller registers a working account; an admin retries.
    expect((await register(bad, await openAccount('김판매', 'NORMAL'), '김판매')).status).toBe(200);
    const retried = await api('POST', `/api/v1/settlements/payouts/${failed.id}/retry`, { token: admin });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'PENDING', attempt: 2 });
    await eventually(
      async () => (await payoutOf(bad))?.status === 'PAID',
      30_000,
      'the retried transfer done',
    );
    expect((await settlementOf(bad)).status).toBe('PAID');
    const twice = await api('POST', `/api/v1/settlements/payouts/${failed.id}/retry`, { token: admin });
    expect(twice.status).toBe(409);
  });
});
