import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { cancelForOrder, openPayment } from '../src/domain/order-events.ts';
import { runRefunds } from '../src/domain/refunds.ts';
import {
  cancelled,
  confirm,
  deliver,
  eventsFor,
  eventually,
  internal,
  newOrder,
  orderCreated,
  payInWindow,
  paymentForFile,
  paymentOf,
  sandboxRow,
  type TestOrder,
} from './helpers.ts';

const svc = paymentForFile();

async function paidOrder(amount = 50_000, simulate = 'approve'): Promise<TestOrder> {
  const order = await newOrder(svc, { amount });
  const res = await confirm(svc, order, await payInWindow(svc, order, simulate));
  if (res.body.status !== 'DONE') throw new Error(JSON.stringify(res.body));
  return order;
}

const account = { bank: '88', accountNumber: '110123456789', holderName: '김철수' };

const refundRequested = (order: TestOrder, refundRequestId: string, amount: number, withAccount = false) => ({
  orderId: order.orderId,
  userId: order.userId,
  refundRequestId,
  reason: '상품 불량',
  amount,
  items: [{ itemId: randomUUID(), sellerId: randomUUID(), quantity: 1, amount }],
  requestedAt: new Date().toISOString(),
  returnReason: 'CHANGE_OF_MIND',
  ...(withAccount ? { refundReceiveAccount: account } : {}),
});

/** The seller's inspection accepted the return: `refundAmount` goes back (the lines less the return fee). */
const accepted = (order: TestOrder, refundRequestId: string, refundAmount: number, fee = 0) => ({
  orderId: order.orderId,
  userId: order.userId,
  sellerId: randomUUID(),
  refundRequestId,
  result: 'ACCEPTED',
  returnReason: fee ? 'CHANGE_OF_MIND' : 'SELLER_FAULT',
  reason: null,
  photoFileIds: [],
  lines: [
    { itemId: randomUUID(), productId: randomUUID(), sku: 'SKU-1', quantity: 1, condition: 'RESELLABLE' },
  ],
  amount: refundAmount + fee,
  returnShippingFee: fee,
  refundAmount,
  inspectedBy: 'SELLER',
  inspectedAt: new Date().toISOString(),
});

/** A virtual-account order the buyer deposited into (입금 완료). */
async function depositedOrder(amount: number): Promise<TestOrder> {
  const order = await newOrder(svc, { method: 'virtual_account', amount });
  await confirm(svc, order, await payInWindow(svc, order, 'approve', 'virtual_account'));
  await svc.call('POST', `/sandbox/pg/window/virtual-accounts/${order.orderId}/deposit`);
  await eventually(async () => (await paymentOf(svc, order.orderId)).status === 'DONE');
  return order;
}

const refundsOf = (orderId: string) =>
  svc.deps.db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).execute();

describe('order.cancelled', () => {
  it('cancels the payment that an order.created being handled at the same moment opens (no lost cancellation)', async () => {
    const data = orderCreated({ amount: 31_000 });
    const created = buildEvent('order', 'test', 'order.created', data as never);
    let cancelling: ReturnType<typeof deliver> | undefined;
    await svc.deps.db.transaction().execute(async (trx) => {
      await openPayment(svc.ctx, trx, created as never, true);
      // order.cancelled arrives while order.created's transaction is still open.
      cancelling = deliver(svc, 'order.cancelled', {
        orderId: data.orderId,
        userId: data.userId,
        reason: '단순변심',
        cancelledAt: new Date().toISOString(),
        previousStatus: 'PENDING_PAYMENT',
      });
      await new Promise((r) => setTimeout(r, 300));
    });
    expect((await cancelling!).body.status).toBe('SUCCESS');
    expect(await paymentOf(svc, data.orderId)).toMatchObject({ status: 'CANCELLED', auto_approve: false });
    expect(await eventsFor(svc, 'payment.cancelled', data.orderId)).toHaveLength(1);
  });

  it('opens cancelled the payment of an order whose cancellation commits while order.created waits for it', async () => {
    const data = orderCreated({ amount: 32_000 });
    const cancel = buildEvent('order', 'test', 'order.cancelled', {
      orderId: data.orderId,
      userId: data.userId,
      reason: '단순변심',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PENDING_PAYMENT',
    });
    let opening: ReturnType<typeof deliver> | undefined;
    await svc.deps.db.transaction().execute(async (trx) => {
      // order.cancelled came first: it holds the order's lock and wrote its mark, not yet committed.
      await cancelForOrder(svc.ctx, trx, cancel);
      opening = deliver(svc, 'order.created', data);
      await new Promise((r) => setTimeout(r, 300));
    });
    expect((await opening!).body.status).toBe('SUCCESS');
    expect(await paymentOf(svc, data.orderId)).toMatchObject({ status: 'CANCELLED', auto_approve: false });
    const [cancelled] = await eventsFor(svc, 'payment.cancelled', data.orderId);
    expect(cancelled?.data.reason).toBe('단순변심');
  });

  it('cancels an unpaid payment (payment.cancelled); a later confirmation is refused', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order);
    await deliver(svc, 'order.cancelled', cancelled(order, 'PENDING_PAYMENT'));
    expect((await paymentOf(svc, order.orderId)).status).toBe('CANCELLED');
    expect(await eventsFor(svc, 'payment.cancelled', order.orderId)).toHaveLength(1);
    expect((await confirm(svc, order, key)).body.code).toBe('PAYMENT_CANCELLED');
    expect((await sandboxRow(svc, order.orderId)).status).toBe('READY');
  });

  it('refunds a paid payment in full at the PG, once, whatever is delivered or run again', async () => {
    const order = await paidOrder(50_000);
    await deliver(svc, 'order.cancelled', cancelled(order));
    await deliver(svc, 'order.cancelled', cancelled(order));
    await runRefunds(svc.ctx);
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'REFUNDED',
      refunded_amount: 50_000,
    });
    const refunded = await eventsFor(svc, 'payment.refunded', order.orderId);
    expect(refunded).toHaveLength(1);
    expect(refunded[0]!.data).toMatchObject({ amount: 50_000, remainingAmount: 0, refundRequestId: null });
    const pg = await sandboxRow(svc, order.orderId);
    expect([pg.status, pg.balanceAmount, pg.cancels.length]).toEqual(['CANCELED', 0, 1]);
  });

  it('opens an order cancelled before its order.created arrived as already cancelled', async () => {
    const order = { orderId: randomUUID(), userId: randomUUID(), token: '', amount: 9000 };
    await deliver(svc, 'order.cancelled', {
      ...cancelled(order, 'PENDING_PAYMENT'),
      reason: 'PAYMENT_TIMEOUT',
    });
    const p = await newOrderWithId(order);
    expect(p).toMatchObject({ status: 'CANCELLED', auto_approve: false });
    expect(await eventsFor(svc, 'payment.cancelled', order.orderId)).toHaveLength(1);
  });

  it('refunds at once a payment that completes after its order was cancelled', async () => {
    const order = await newOrder(svc);
    const key = await payInWindow(svc, order, 'late_processing');
    expect((await confirm(svc, order, key)).status).toBe(202);
    await deliver(svc, 'order.cancelled', cancelled(order, 'PENDING_PAYMENT'));
    await eventually(async () => (await paymentOf(svc, order.orderId)).status === 'DONE');
    await runRefunds(svc.ctx);
    expect((await paymentOf(svc, order.orderId)).status).toBe('REFUNDED');
    expect(await eventsFor(svc, 'payment.completed', order.orderId)).toHaveLength(1);
    expect(await eventsFor(svc, 'payment.refunded', order.orderId)).toHaveLength(1);
  });
});

async function newOrderWithId(order: TestOrder) {
  const res = await deliver(svc, 'order.created', {
    orderId: order.orderId,
    userId: order.userId,
    sellerId: randomUUID(),
    items: [],
    totalAmount: order.amount,
    shippingAddress: { recipient: '김철수', phone: '010-1234-5678', address: '서울', zipCode: '06236' },
    paymentMethod: 'card',
    sellerIds: [],
    discountAmount: 0,
    shippingFee: 0,
    payableAmount: order.amount,
    paymentDueAt: new Date(Date.now() + 600_000).toISOString(),
    createdAt: new Date().toISOString(),
  });
  expect(res.body.status).toBe('SUCCESS');
  return paymentOf(svc, order.orderId);
}

describe('returns (반품): refunded once the inspection accepts them', () => {
  it('refunds nothing on the request itself, only on the accepted inspection', async () => {
    const order = await paidOrder(40_000);
    const id = randomUUID();
    await deliver(svc, 'order.refund.requested', refundRequested(order, id, 20_000));
    await runRefunds(svc.ctx);
    expect(await refundsOf(order.orderId)).toHaveLength(0);
    const rejected = { ...accepted(order, id, 0), result: 'REJECTED', reason: '사용 흔적', refundAmount: 0 };
    await deliver(svc, 'order.return.inspected', rejected);
    expect(await refundsOf(order.orderId)).toHaveLength(0);
    await deliver(svc, 'order.return.inspected', accepted(order, id, 17_000, 3_000));
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refunded_amount: 17_000,
    });
  });

  it('refunds part, then the rest; each request once', async () => {
    const order = await paidOrder(60_000);
    const first = randomUUID();
    await deliver(svc, 'order.return.inspected', accepted(order, first, 20_000));
    await deliver(svc, 'order.return.inspected', accepted(order, first, 20_000));
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refunded_amount: 20_000,
    });
    const second = randomUUID();
    await deliver(svc, 'order.return.inspected', accepted(order, second, 40_000));
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'REFUNDED',
      refunded_amount: 60_000,
    });
    const events = (await eventsFor(svc, 'payment.refunded', order.orderId)).map((e) => e.data);
    expect(events.map((e) => [e.refundRequestId, e.amount, e.remainingAmount])).toEqual([
      [first, 20_000, 40_000],
      [second, 40_000, 0],
    ]);
    const pg = await sandboxRow(svc, order.orderId);
    expect([pg.status, pg.balanceAmount, pg.cancels.length]).toEqual(['CANCELED', 0, 2]);
  });

  it('retries a refund the PG failed, under the same idempotency key, and refunds once', async () => {
    const order = await paidOrder(30_000, 'cancel_error_once');
    await deliver(svc, 'order.return.inspected', accepted(order, randomUUID(), 10_000));
    await runRefunds(svc.ctx);
    const [pending] = await svc.deps.db
      .selectFrom('refunds')
      .selectAll()
      .where('order_id', '=', order.orderId)
      .execute();
    expect(pending).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(pending!.last_error).toContain('FAILED_INTERNAL_SYSTEM_PROCESSING');
    await svc.deps.db
      .updateTable('refunds')
      .set({ next_attempt_at: new Date() })
      .where('id', '=', pending!.id)
      .execute();
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refunded_amount: 10_000,
    });
    expect(await eventsFor(svc, 'payment.refunded', order.orderId)).toHaveLength(1);
    expect((await sandboxRow(svc, order.orderId)).cancels).toHaveLength(1);
  });

  it('never refunds more than was paid', async () => {
    const order = await paidOrder(10_000);
    await deliver(svc, 'order.return.inspected', accepted(order, randomUUID(), 10_000));
    const again = await deliver(svc, 'order.return.inspected', accepted(order, randomUUID(), 5_000));
    expect(again.body.status).toBe('DROP');
    await runRefunds(svc.ctx);
    expect((await paymentOf(svc, order.orderId)).refunded_amount).toBe(10_000);
  });

  it('drops a refund request for an order that was never paid', async () => {
    const order = await newOrder(svc);
    const res = await deliver(svc, 'order.return.inspected', accepted(order, randomUUID(), 1000));
    expect(res.body.status).toBe('DROP');
  });

  it('never refunds twice: the same acceptance delivered and run concurrently is one cancel at the PG', async () => {
    const order = await paidOrder(30_000);
    const id = randomUUID();
    await Promise.all(
      Array.from({ length: 4 }, () => deliver(svc, 'order.return.inspected', accepted(order, id, 12_000))),
    );
    await Promise.all([runRefunds(svc.ctx), runRefunds(svc.ctx), runRefunds(svc.ctx)]);
    expect(await refundsOf(order.orderId)).toHaveLength(1);
    expect((await sandboxRow(svc, order.orderId)).cancels).toHaveLength(1);
    expect(await eventsFor(svc, 'payment.refunded', order.orderId)).toHaveLength(1);
    expect((await paymentOf(svc, order.orderId)).refunded_amount).toBe(12_000);
  });
});

describe('virtual-account refunds (refundReceiveAccount)', () => {
  it('sends the account the buyer gave with the return; the PG refunds to it', async () => {
    const order = await depositedOrder(20_000);
    const id = randomUUID();
    await deliver(svc, 'order.refund.requested', refundRequested(order, id, 20_000, true));
    await deliver(svc, 'order.return.inspected', accepted(order, id, 17_000, 3_000));
    const [row] = await refundsOf(order.orderId);
    expect(row!.refund_account_sealed).not.toContain('110123456789');
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({ refunded_amount: 17_000 });
  });

  it('fails a deposited virtual account’s refund without an account (as Toss does); an admin retries it with one, once', async () => {
    const order = await depositedOrder(15_000);
    await deliver(svc, 'order.return.inspected', accepted(order, randomUUID(), 15_000));
    await runRefunds(svc.ctx);
    const [failed] = await refundsOf(order.orderId);
    expect(failed).toMatchObject({ status: 'FAILED' });
    expect(failed!.last_error).toContain('INVALID_REQUEST');
    const listed = await svc.call('GET', '/internal/refunds?status=FAILED', { headers: internal });
    expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(failed!.id);

    const retry = () =>
      svc.call('POST', `/internal/refunds/${failed!.id}/retry`, {
        headers: internal,
        body: { refundReceiveAccount: account },
      });
    const answers = await Promise.all([retry(), retry()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    await runRefunds(svc.ctx);
    expect(await refundsOf(order.orderId)).toMatchObject([{ status: 'DONE', retries: 1 }]);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'REFUNDED',
      refunded_amount: 15_000,
    });
    expect((await sandboxRow(svc, order.orderId)).cancels).toHaveLength(1);
    expect((await retry()).status).toBe(409);
    const bad = await svc.call('POST', `/internal/refunds/${failed!.id}/retry`, {
      headers: internal,
      body: { refundReceiveAccount: { ...account, accountNumber: '110-123' } },
    });
    expect(bad.status).toBe(400);
  });

  it('refunds a cancelled deposited order to the account given with the cancel request', async () => {
    const order = await depositedOrder(9_000);
    await deliver(svc, 'order.cancelled', { ...cancelled(order), refundReceiveAccount: account });
    await runRefunds(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({ status: 'REFUNDED', refunded_amount: 9_000 });
  });
});

describe('one correlation id per order saga', () => {
  it('puts the order’s correlation id on payment events, from the buyer’s request or a job alike', async () => {
    const order = await newOrder(svc, { correlationId: 'saga-pay-1' });
    await svc.call('POST', '/api/v1/payments/confirm', {
      token: order.token,
      body: { orderId: order.orderId, paymentKey: await payInWindow(svc, order), amount: order.amount },
      headers: { 'x-correlation-id': 'the-confirm-request' },
    });
    await deliver(svc, 'order.cancelled', cancelled(order), undefined, 'saga-pay-1');
    await runRefunds(svc.ctx);
    const all = (await svc.outbox()).filter((e) => e.data.orderId === order.orderId);
    expect(all.map((e) => e.eventType)).toEqual([
      'payment.requested',
      'payment.completed',
      'payment.refunded',
    ]);
    expect(new Set(all.map((e) => e.correlationId))).toEqual(new Set(['saga-pay-1']));
  });
});
