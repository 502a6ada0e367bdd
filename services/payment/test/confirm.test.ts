import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { jobs, reconcile } from '../src/domain/jobs.ts';
import { settleWithPg } from '../src/domain/settle.ts';
import {
  basic,
  cancelled,
  confirm,
  deliver,
  eventsFor,
  eventually,
  leftInProgress,
  newOrder,
  payInWindow,
  paymentForFile,
  paymentOf,
  sandboxRow,
} from './helpers.ts';

const svc = paymentForFile();

describe('order.created', () => {
  it('opens a READY payment for the payable amount and publishes payment.requested', async () => {
    const order = await newOrder(svc, { amount: 31_000 });
    const p = await paymentOf(svc, order.orderId);
    expect(p).toMatchObject({
      status: 'READY',
      amount: 31_000,
      method: 'card',
      user_id: order.userId,
      order_name: '나이키 에어 운동화',
    });
    const [event] = await eventsFor(svc, 'payment.requested', order.orderId);
    expect(event?.data).toMatchObject({ paymentId: p.id, amount: 31_000, method: 'card' });
  });
});

describe('confirmation (결제 승인)', () => {
  it('confirms with the PG, publishes payment.completed once, and replays a repeated confirmation', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order);
    const res = await confirm(svc, order, key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'DONE',
      paymentKey: key,
      amount: order.amount,
      balanceAmount: order.amount,
    });
    const again = await confirm(svc, order, key);
    expect([again.status, again.body.status]).toEqual([200, 'DONE']);
    const completed = await eventsFor(svc, 'payment.completed', order.orderId);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data).toMatchObject({ amount: order.amount, method: 'card', userId: order.userId });
    expect((await sandboxRow(svc, order.orderId)).status).toBe('DONE');
  });

  it('shows a payment to its buyer and an admin only', async () => {
    const order = await newOrder(svc);
    await confirm(svc, order, await payInWindow(svc, order));
    const { id } = await paymentOf(svc, order.orderId);
    expect((await svc.call('GET', `/api/v1/payments/${id}`, { token: order.token })).body.status).toBe(
      'DONE',
    );
    const stranger = await tokenFor(randomUUID(), 'buyer');
    expect((await svc.call('GET', `/api/v1/payments/${id}`, { token: stranger })).status).toBe(404);
    expect(
      (await svc.call('GET', `/api/v1/payments/${id}`, { token: await tokenFor('a', 'admin') })).status,
    ).toBe(200);
    const list = await svc.call('GET', `/api/v1/payments?orderId=${order.orderId}`, { token: order.token });
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    expect(
      (await svc.call('GET', `/api/v1/payments?orderId=${order.orderId}`, { token: stranger })).body.items,
    ).toEqual([]);
  });

  it("refuses an amount other than the order's before calling the PG", async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order);
    const res = await svc.call('POST', '/api/v1/payments/confirm', {
      token: order.token,
      body: { orderId: order.orderId, paymentKey: key, amount: order.amount - 1 },
    });
    expect([res.status, res.body.code]).toEqual([422, 'PAYMENT_AMOUNT_MISMATCH']);
    expect(res.body.errors[0].path).toBe('amount');
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
    expect((await sandboxRow(svc, order.orderId)).status).toBe('READY');
  });

  it("answers another buyer's order as not found", async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order);
    const res = await confirm(svc, { ...order, token: await tokenFor(randomUUID(), 'buyer') }, key);
    expect([res.status, res.body.code]).toEqual([404, 'PAYMENT_NOT_FOUND']);
  });

  it('fails a payment the PG declines: 422, FAILED, payment.failed with the PG code; no second try', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order, 'decline');
    const res = await confirm(svc, order, key);
    expect([res.status, res.body.code, res.body.pgCode]).toEqual([
      422,
      'PAYMENT_DECLINED',
      'REJECT_CARD_PAYMENT',
    ]);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'FAILED',
      failure_code: 'REJECT_CARD_PAYMENT',
    });
    const [failed] = await eventsFor(svc, 'payment.failed', order.orderId);
    expect(failed?.data).toMatchObject({ errorCode: 'REJECT_CARD_PAYMENT' });
    expect((await confirm(svc, order, key)).body.code).toBe('PAYMENT_FAILED');
  });

  it('keeps the payment READY after a PG-side error, and confirms exactly once on the retry', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order, 'pg_error_once');
    const first = await confirm(svc, order, key);
    expect([first.status, first.body.code]).toEqual([503, 'PG_UNAVAILABLE']);
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
    const second = await confirm(svc, order, key);
    expect([second.status, second.body.status]).toEqual([200, 'DONE']);
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
  });

  it('resolves a PG timeout by asking the PG: the late-answered payment is DONE, confirmed once', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order, 'late_answer');
    const res = await confirm(svc, order, key);
    expect([res.status, res.body.status]).toEqual([200, 'DONE']);
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
    const pg = await sandboxRow(svc, order.orderId);
    expect([pg.status, pg.balanceAmount]).toEqual(['DONE', order.amount]);
  });

  it('answers 202 while the PG is still processing, refuses a second confirmation, and settles from the PG later', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order, 'late_processing');
    const res = await confirm(svc, order, key);
    expect([res.status, res.body.status]).toEqual([202, 'IN_PROGRESS']);
    const second = await confirm(svc, order, key);
    expect([second.status, second.body.code]).toEqual([409, 'PAYMENT_IN_PROGRESS']);
    // The sandbox finishes and sends PAYMENT_STATUS_CHANGED; the webhook re-queries and settles.
    await eventually(async () => (await paymentOf(svc, order.orderId)).status === 'DONE');
    await reconcile(svc.ctx);
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
  });

  it('answers an unknown paymentKey with 422 and leaves the payment READY', async () => {
    const order = await newOrder(svc);
    const res = await confirm(svc, order, 'tsbx-no-such-key');
    expect([res.status, res.body.code]).toEqual([422, 'PAYMENT_KEY_INVALID']);
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
  });

  it('refuses once the payment window has closed', async () => {
    const order = await newOrder(svc, { dueInMs: -1000 });
    const res = await confirm(svc, order, await payInWindow(svc, order));
    expect([res.status, res.body.code]).toEqual([409, 'PAYMENT_EXPIRED']);
  });

  it('replays the first answer for the same Idempotency-Key', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order);
    const headers = { 'idempotency-key': randomUUID() };
    const a = await confirm(svc, order, key, headers);
    const b = await confirm(svc, order, key, headers);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });

  it('names every bad field', async () => {
    const res = await svc.call('POST', '/api/v1/payments/confirm', {
      token: await tokenFor('u', 'buyer'),
      body: { orderId: '', amount: 1.5 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'amount',
      'orderId',
      'paymentKey',
    ]);
  });
});

/** A confirmation left without an answer (the process died after the PG call), due for reconciliation. */
async function unanswered() {
  const order = await newOrder(svc);
  await leftInProgress(svc, order.orderId, { paymentKey: await payInWindow(svc, order) });
  return order;
}

describe('reconciliation of unsettled confirmations', () => {
  it('sends a confirmation that never left (crash after the claim) again under the same key', async () => {
    const order = await unanswered();
    await reconcile(svc.ctx);
    expect((await paymentOf(svc, order.orderId)).status).toBe('DONE');
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
  });

  it('settles from the PG a confirmation whose answer was lost (crash after the PG approved)', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order);
    const p = await paymentOf(svc, order.orderId);
    // Our call reached the PG (same idempotency key as attempt 1), then the process died.
    const direct = await svc.call('POST', '/sandbox/pg/v1/payments/confirm', {
      body: { paymentKey: key, orderId: order.orderId, amount: order.amount },
      headers: { authorization: basic, 'idempotency-key': `confirm-${p.id}-1` },
    });
    expect(direct.status).toBe(200);
    await leftInProgress(svc, order.orderId, { paymentKey: key });
    await reconcile(svc.ctx);
    expect((await paymentOf(svc, order.orderId)).status).toBe('DONE');
    expect((await sandboxRow(svc, order.orderId)).status).toBe('DONE');
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
  });
});

describe('the job runner', () => {
  it('sweeps (reconciles) at most once per period, not on every wake, and again once the period is half over', async () => {
    const run = jobs(svc.ctx, 400);
    const first = await unanswered();
    await run();
    expect((await paymentOf(svc, first.orderId)).status).toBe('DONE');
    // Woken again at once (a handler's NOTIFY): the queued work only, no sweep.
    const second = await unanswered();
    await run();
    expect((await paymentOf(svc, second.orderId)).status).toBe('IN_PROGRESS');
    await new Promise((r) => setTimeout(r, 250));
    await run();
    expect((await paymentOf(svc, second.orderId)).status).toBe('DONE');
    expect(await eventsFor(svc, 'payment.completed', second.orderId)).toHaveLength(1);
  });
});

describe('ids in paths', () => {
  it('answers an id that is not a payment id as not found, like an unknown one', async () => {
    const res = await svc.call('GET', '/api/v1/payments/not-a-payment', {
      token: await tokenFor('u', 'buyer'),
    });
    expect([res.status, res.body.code]).toEqual([404, 'PAYMENT_NOT_FOUND']);
  });
});

describe('an amount the PG took that the order does not owe', () => {
  it('reports what the PG took in payment.completed; the order cancelled for it gets the money back', async () => {
    const order = await newOrder(svc, { amount: 20_000 });
    const p = await paymentOf(svc, order.orderId);
    await settleWithPg(svc.ctx, p, {
      paymentKey: `pk-${randomUUID()}`,
      orderId: order.orderId,
      status: 'DONE',
      method: '카드',
      totalAmount: 25_000,
      balanceAmount: 25_000,
      approvedAt: new Date().toISOString(),
    });
    const [completed] = await eventsFor(svc, 'payment.completed', order.orderId);
    expect(completed?.data.amount).toBe(25_000);
    // order fails the payment (PAYMENT_AMOUNT_MISMATCH) and says so with order.cancelled.
    await deliver(svc, 'order.cancelled', {
      ...cancelled(order, 'PENDING_PAYMENT'),
      reason: 'PAYMENT_AMOUNT_MISMATCH',
    });
    const refunds = await svc.deps.db
      .selectFrom('refunds')
      .selectAll()
      .where('order_id', '=', order.orderId)
      .execute();
    expect(refunds.map((r) => [r.kind, r.amount])).toEqual([['CANCEL', 25_000]]);
  });
});
