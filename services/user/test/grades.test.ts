import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { startTestService, TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { reevaluateDueGrades } from '../src/domain/grade-worker.ts';
import { service } from '../src/service.ts';
import { signUp, userForFile } from './helpers.ts';

const svc = userForFile({
  env: { USER_GRADE_THRESHOLDS: 'SILVER=100000,GOLD=500000', USER_GRADE_WINDOW_DAYS: '30' },
});

const deliver = async (topic: string, data: object, userId?: string) => {
  const event: { eventId: string; data: any } = buildEvent(
    'payment',
    'test',
    topic as never,
    data as never,
    userId ? { userId } : {},
  );
  const res = await svc.call('POST', `/events/${topic}`, {
    body: { id: event.eventId, data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });
  expect(res.body, topic).toEqual({ status: 'SUCCESS' });
  return event;
};
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const paid = (
  userId: string | undefined,
  amount: number,
  at = new Date().toISOString(),
  orderId = randomUUID(),
) =>
  deliver('payment.completed', {
    paymentId: randomUUID(),
    orderId,
    amount,
    method: 'card',
    pgTransactionId: `pg-${randomUUID()}`,
    paidAt: at,
    ...(userId ? { userId } : {}),
  });
const grade = async (token: string) => (await svc.call('GET', '/api/v1/users/me/grade', { token })).body;

describe('purchase history (구매 이력)', () => {
  it('counts an order shipped once its parcel is dispatched (shipping.dispatched), once per shipment', async () => {
    const kim = await signUp(svc);
    const payment = await paid(kim.id, 30_000);
    const dispatched = (shipmentId: string) =>
      deliver('shipping.dispatched', {
        shipmentId,
        orderId: payment.data.orderId,
        carrier: 'CJ',
        trackingNumber: `T-${shipmentId.slice(0, 8)}`,
        estimatedDelivery: new Date().toISOString(),
        dispatchedAt: new Date().toISOString(),
      });
    const first = randomUUID();
    await dispatched(first);
    await dispatched(first);
    await dispatched(randomUUID()); // a second parcel of the same order (two sellers)
    expect((await grade(kim.token)).purchases).toMatchObject({ paidOrders: 1, shippedOrders: 1 });
    // Someone else's parcel is not in this history.
    const lee = await signUp(svc);
    expect((await grade(lee.token)).purchases.shippedOrders).toBe(0);
  });
});

describe('grade from purchases', () => {
  it('rises with payments in the window and announces the change once', async () => {
    const kim = await signUp(svc);
    await paid(kim.id, 60_000);
    expect((await grade(kim.token)).grade).toBe('BRONZE');
    const second = await paid(kim.id, 50_000);
    // The same event again changes nothing.
    await svc.call('POST', '/events/payment.completed', {
      body: { id: second.eventId, data: second },
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    });
    const g = await grade(kim.token);
    expect(g).toMatchObject({
      grade: 'SILVER',
      windowDays: 30,
      paidAmountInWindow: 110_000,
      next: { grade: 'GOLD', remaining: 390_000 },
      purchases: { paidOrders: 2, shippedOrders: 0, completedOrders: 0, totalPaidAmount: 110_000 },
    });
    const events = (await svc.outbox('user.updated')).filter((e) => e.data.userId === kim.id);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ changes: ['grade'], grade: 'SILVER' }),
    ]);
  });

  it('ignores payments older than the window and nets refunds out', async () => {
    const kim = await signUp(svc);
    await paid(kim.id, 900_000, daysAgo(45));
    const recent = await paid(kim.id, 150_000);
    expect((await grade(kim.token)).grade).toBe('SILVER');
    await deliver('payment.refunded', {
      refundId: randomUUID(),
      paymentId: recent.data.paymentId,
      orderId: recent.data.orderId,
      amount: 60_000,
      reason: '단순 변심',
      refundedAt: new Date().toISOString(),
    });
    const g = await grade(kim.token);
    expect(g).toMatchObject({ grade: 'BRONZE', paidAmountInWindow: 90_000 });
    expect(g.purchases.totalPaidAmount).toBe(990_000);
  });

  it('learns the buyer of an anonymous payment from order.completed, whichever comes first', async () => {
    const kim = await signUp(svc);
    const orderId = randomUUID();
    await paid(undefined, 120_000, new Date().toISOString(), orderId);
    expect((await grade(kim.token)).grade).toBe('BRONZE');
    const line = {
      itemId: randomUUID(),
      productId: 'p-1',
      sku: 'SKU-1',
      sellerId: randomUUID(),
      quantity: 1,
      price: 120_000,
    };
    await deliver('order.completed', {
      orderId,
      completedAt: new Date().toISOString(),
      userId: kim.id,
      payableAmount: 120_000,
      items: [line],
      automatic: false,
    });
    expect(await grade(kim.token)).toMatchObject({
      grade: 'SILVER',
      purchases: { paidOrders: 1, completedOrders: 1 },
    });

    // The other way round: the order is confirmed before its payment event arrives.
    const lee = await signUp(svc);
    const late = randomUUID();
    await deliver('order.completed', {
      orderId: late,
      completedAt: new Date().toISOString(),
      userId: lee.id,
      payableAmount: 130_000,
      items: [line],
      automatic: true,
    });
    await paid(undefined, 130_000, new Date().toISOString(), late);
    expect((await grade(lee.token)).grade).toBe('SILVER');
  });

  it('looks at the grade again on delivery, finding the buyer from the payment', async () => {
    const kim = await signUp(svc);
    const p = await paid(kim.id, 150_000);
    // As if the grade had been computed before this payment counted.
    await svc.deps.db.updateTable('users').set({ grade: 'BRONZE' }).where('id', '=', kim.id).execute();
    await deliver('shipping.delivered', {
      shipmentId: randomUUID(),
      orderId: p.data.orderId,
      deliveredAt: new Date().toISOString(),
      recipient: '김철수',
    });
    expect((await grade(kim.token)).grade).toBe('SILVER');
  });

  it('lowers a grade once its payments leave the window, in the daily review', async () => {
    const kim = await signUp(svc);
    const p = await paid(kim.id, 200_000);
    expect((await grade(kim.token)).grade).toBe('SILVER');
    // Time passes: the payment is now 31 days old and the grade was last looked at two days ago.
    await svc.deps.db
      .updateTable('payments')
      .set({ paid_at: new Date(daysAgo(31)) })
      .where('payment_id', '=', p.data.paymentId)
      .execute();
    await svc.deps.db
      .updateTable('users')
      .set({ grade_evaluated_at: new Date(daysAgo(2)) })
      .where('id', '=', kim.id)
      .execute();
    expect(await reevaluateDueGrades(svc.deps as never)).toBeGreaterThanOrEqual(1);
    expect((await grade(kim.token)).grade).toBe('BRONZE');
  });

  it('refuses thresholds that do not rise at start-up, naming the variable', async () => {
    await expect(
      startTestService(service, { env: { USER_GRADE_THRESHOLDS: 'GOLD=5,SILVER=1' } }),
    ).rejects.toThrow(/USER_GRADE_THRESHOLDS/);
  });
});
