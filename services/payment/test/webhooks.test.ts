import { randomUUID } from 'node:crypto';
import { sql } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { autoApprove } from '../src/domain/jobs.ts';
import {
  basic,
  confirm,
  eventsFor,
  eventually,
  newOrder,
  payInWindow,
  paymentForFile,
  paymentOf,
  sandboxRow,
  startPayment,
} from './helpers.ts';

const svc = paymentForFile();

const webhook = (body: unknown) => svc.call('POST', '/api/v1/payments/webhooks/toss', { body });

describe('virtual accounts (가상계좌) and webhooks', () => {
  it('issues a virtual account, then completes on the deposit callback, verified by its secret and a re-query', async () => {
    const order = await newOrder(svc, { method: 'virtual_account', amount: 25_000 });
    const res = await confirm(svc, order, await payInWindow(svc, order, 'approve', 'virtual_account'));
    expect([res.status, res.body.status]).toEqual([200, 'WAITING_FOR_DEPOSIT']);
    expect(res.body.virtualAccount).toMatchObject({ bankCode: '88' });
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(0);

    const deposit = await svc.call('POST', `/sandbox/pg/window/virtual-accounts/${order.orderId}/deposit`);
    expect(deposit.body.status).toBe('DONE');
    await eventually(async () => (await paymentOf(svc, order.orderId)).status === 'DONE');
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
    const hooks = await svc.deps.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('order_id', '=', order.orderId)
      .execute();
    expect(hooks.map((h) => h.event_type).sort()).toEqual(['DEPOSIT_CALLBACK', 'PAYMENT_STATUS_CHANGED']);
  });

  it('logs webhooks without the virtual account secret (nor personal data)', async () => {
    const order = await newOrder(svc, { method: 'virtual_account', amount: 12_000 });
    await confirm(svc, order, await payInWindow(svc, order, 'approve', 'virtual_account'));
    const { deposit_secret: secret } = await paymentOf(svc, order.orderId);
    expect(secret).toBeTruthy();
    await svc.call('POST', `/sandbox/pg/window/virtual-accounts/${order.orderId}/deposit`);
    await eventually(async () => (await paymentOf(svc, order.orderId)).status === 'DONE');
    const hooks = await svc.deps.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('order_id', '=', order.orderId)
      .execute();
    const callback = hooks.find((h) => h.event_type === 'DEPOSIT_CALLBACK')!;
    expect((callback.payload as { secret: string }).secret).toBe('[redacted]');
    for (const h of hooks) expect(JSON.stringify(h.payload)).not.toContain(secret!);
  });

  it('refuses a deposit callback without the payment secret', async () => {
    const order = await newOrder(svc, { method: 'virtual_account' });
    await confirm(svc, order, await payInWindow(svc, order, 'approve', 'virtual_account'));
    const res = await webhook({
      createdAt: '2024-01-01T00:00:00',
      secret: 'ps_forged',
      status: 'DONE',
      orderId: order.orderId,
    });
    expect([res.status, res.body.code]).toEqual([400, 'WEBHOOK_SECRET_MISMATCH']);
    expect((await paymentOf(svc, order.orderId)).status).toBe('WAITING_FOR_DEPOSIT');
  });

  it('never trusts a webhook body: a forged DONE for an unpaid payment changes nothing', async () => {
    const order = await newOrder(svc);
    await payInWindow(svc, order);
    const res = await webhook({
      eventType: 'PAYMENT_STATUS_CHANGED',
      createdAt: '2024-01-01T00:00:00',
      data: { orderId: order.orderId, paymentKey: 'forged', status: 'DONE', totalAmount: order.amount },
    });
    expect(res.status).toBe(200);
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(0);
  });

  it('acknowledges a webhook for an order it does not know', async () => {
    const res = await webhook({ eventType: 'PAYMENT_STATUS_CHANGED', data: { orderId: randomUUID() } });
    expect([res.status, res.body.outcome]).toEqual([200, 'ignored: unknown order']);
  });

  it('records a cancel made on the PG side (its console) as a refund when told by webhook', async () => {
    const order = await newOrder(svc, { amount: 40_000 });
    const key = await payInWindow(svc, order);
    await confirm(svc, order, key);
    const cancel = await svc.call('POST', `/sandbox/pg/v1/payments/${key}/cancel`, {
      body: { cancelReason: '고객 요청 (상점 관리자)', cancelAmount: 15_000 },
      headers: { authorization: basic, 'idempotency-key': randomUUID() },
    });
    expect(cancel.body.status).toBe('PARTIAL_CANCELED');
    const body = { eventType: 'PAYMENT_STATUS_CHANGED', data: { orderId: order.orderId, paymentKey: key } };
    await webhook(body);
    await webhook(body);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refunded_amount: 15_000,
    });
    const refunded = await eventsFor(svc, 'payment.refunded', order.orderId);
    expect(refunded.map((e) => e.data.amount)).toEqual([15_000]);
  });
});

describe('headless mode (the sandbox pays by itself)', () => {
  it('pays every new order through the payment window and the same confirmation', async () => {
    const auto = await startPayment({ PG_SANDBOX_AUTO_APPROVE: 'true' });
    try {
      const order = await newOrder(auto, { amount: 12_000 });
      expect(await autoApprove(auto.ctx)).toBe(1);
      expect((await paymentOf(auto, order.orderId)).status).toBe('DONE');
      expect(await eventsFor(auto, 'payment.completed', order.orderId)).toHaveLength(1);
      expect((await sandboxRow(auto, order.orderId)).status).toBe('DONE');
      expect(await autoApprove(auto.ctx)).toBe(0);
    } finally {
      await auto.close();
    }
  });

  it('pays an order whose earlier claim died with its worker (kill -9 mid-batch), once the claim lapses', async () => {
    const auto = await startPayment({ PG_SANDBOX_AUTO_APPROVE: 'true' });
    try {
      const order = await newOrder(auto, { amount: 13_000 });
      // A worker claimed it and was killed before paying: the claim is all that is left of it.
      await sql`update payments set auto_approve_claimed_at = now() - interval '1 minute'
                 where order_id = ${order.orderId}`.execute(auto.ctx.db);
      expect(await autoApprove(auto.ctx)).toBe(1);
      expect((await paymentOf(auto, order.orderId)).status).toBe('DONE');
      expect(await eventsFor(auto, 'payment.completed', order.orderId)).toHaveLength(1);
    } finally {
      await auto.close();
    }
  });

  it('leaves an order another worker has just claimed to that worker', async () => {
    const auto = await startPayment({ PG_SANDBOX_AUTO_APPROVE: 'true' });
    try {
      const order = await newOrder(auto, { amount: 14_000 });
      await sql`update payments set auto_approve_claimed_at = now() where order_id = ${order.orderId}`.execute(
        auto.ctx.db,
      );
      expect(await autoApprove(auto.ctx)).toBe(0);
      expect((await paymentOf(auto, order.orderId)).status).toBe('READY');
    } finally {
      await auto.close();
    }
  });
});
