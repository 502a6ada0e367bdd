import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import {
  buyer,
  deliver,
  deliveredOrder,
  eventsFor,
  getOrder,
  inspect,
  line,
  orderForFile,
  paid,
  place,
  refunded,
  returnReceived,
  shipment,
  twoSellers,
} from './helpers.ts';

const svc = orderForFile({ ORDER_RETURN_SHIPPING_FEE: '3000' });

const account = { bank: '88', accountNumber: '110123456789', holderName: '김철수' };

/** A delivered order and a return of its tee (seller B) requested, its parcel not yet back. */
async function returnRequested(body: Record<string, unknown> = {}) {
  const d = await deliveredOrder(svc);
  const tee = d.order.items[1];
  const res = await svc.call('POST', `/api/v1/orders/${d.order.id}/refund-requests`, {
    token: d.who.token,
    body: { reason: '마음이 바뀌었어요', items: [{ itemId: tee.id, quantity: 2 }], ...body },
  });
  expect(res.status).toBe(201);
  const [requested] = await eventsFor(svc, 'order.refund.requested', d.order.id);
  return { ...d, tee, requestId: requested!.data.refundRequestId as string };
}

describe('a return (반품): requested → received → inspected → refunded', () => {
  it('refunds nothing until the seller accepts it; a change of mind pays the return shipping fee', async () => {
    const { who, order, sellerB, requestId } = await returnRequested();
    const early = await inspect(svc, order.id, requestId, sellerB, { result: 'ACCEPTED' });
    expect([early.status, early.body.code]).toEqual([409, 'RETURN_NOT_INSPECTABLE']);
    expect(await eventsFor(svc, 'order.return.inspected', order.id)).toHaveLength(0);

    await deliver(svc, 'shipping.return.received', returnReceived(order.id, sellerB, requestId));
    const other = await inspect(svc, order.id, requestId, randomUUID(), { result: 'ACCEPTED' });
    expect(other.status).toBe(404);
    const ok = await inspect(svc, order.id, requestId, sellerB, {
      result: 'ACCEPTED',
      lines: [{ itemId: order.items[1].id, condition: 'DAMAGED' }],
    });
    expect(ok.status).toBe(200);
    const r = ok.body.refundRequests[0];
    expect(r).toMatchObject({
      status: 'ACCEPTED',
      returnReason: 'CHANGE_OF_MIND',
      amount: 38_000,
      returnShippingFee: 3000,
      refundAmount: 35_000,
      inspection: { result: 'ACCEPTED', role: 'SELLER' },
    });
    const [inspected] = await eventsFor(svc, 'order.return.inspected', order.id);
    expect(inspected!.data).toMatchObject({
      result: 'ACCEPTED',
      sellerId: sellerB,
      amount: 38_000,
      returnShippingFee: 3000,
      refundAmount: 35_000,
      lines: [{ quantity: 2, condition: 'DAMAGED' }],
    });
    expect(ok.body.status).toBe('REFUND_REQUESTED');

    await deliver(svc, 'payment.refunded', refunded(order.id, 35_000, requestId));
    const o = await getOrder(svc, order.id, who.token);
    expect([o.status, o.refundedAmount, o.refundRequests[0].status]).toEqual([
      'PARTIALLY_REFUNDED',
      35_000,
      'COMPLETED',
    ]);
    expect(o.items[1]).toMatchObject({ refundedQuantity: 2, refundedAmount: 38_000, status: 'REFUNDED' });
    const [completed] = await eventsFor(svc, 'order.refund.completed', order.id);
    expect(completed!.data).toMatchObject({ amount: 35_000, returnShippingFee: 3000 });
  });

  it("charges no fee when the seller is at fault; the order's last return gives back what is left", async () => {
    const { who, order, sellerA, sellerB, requestId } = await returnRequested({
      returnReason: 'SELLER_FAULT',
    });
    await deliver(svc, 'shipping.return.received', returnReceived(order.id, sellerB, requestId));
    await inspect(svc, order.id, requestId, sellerB, { result: 'ACCEPTED' });
    const [inspected] = await eventsFor(svc, 'order.return.inspected', order.id);
    expect(inspected!.data).toMatchObject({ returnShippingFee: 0, refundAmount: 38_000 });
    await deliver(svc, 'payment.refunded', refunded(order.id, 38_000, requestId));
    // The shoe, by change of mind: the fee is kept from it, and the order is still wholly returned.
    await svc.call('POST', `/api/v1/orders/${order.id}/refund-requests`, {
      token: who.token,
      body: { reason: '변심' },
    });
    const [, last] = await eventsFor(svc, 'order.refund.requested', order.id);
    expect(last!.data.amount).toBe(129_000);
    await deliver(
      svc,
      'shipping.return.received',
      returnReceived(order.id, sellerA, last!.data.refundRequestId),
    );
    await inspect(svc, order.id, last!.data.refundRequestId, sellerA, { result: 'ACCEPTED' });
    await deliver(svc, 'payment.refunded', refunded(order.id, 126_000, last!.data.refundRequestId));
    const o = await getOrder(svc, order.id, who.token);
    expect([o.status, o.refundedAmount]).toEqual(['REFUNDED', order.payableAmount - 3000]);
  });

  it('a rejection needs a reason and photos, refunds nothing and gives the order back; an admin may overturn it', async () => {
    const { who, order, sellerB, requestId, tee } = await returnRequested();
    await deliver(svc, 'shipping.return.received', returnReceived(order.id, sellerB, requestId));
    const bare = await inspect(svc, order.id, requestId, sellerB, {
      result: 'REJECTED',
      reason: '사용 흔적',
    });
    expect([bare.status, bare.body.errors[0].path]).toEqual([400, 'photoFileIds']);
    const noReason = await inspect(svc, order.id, requestId, sellerB, {
      result: 'REJECTED',
      photoFileIds: [randomUUID()],
    });
    expect([noReason.status, noReason.body.errors[0].path]).toEqual([400, 'reason']);
    const photo = randomUUID();
    const no = await inspect(svc, order.id, requestId, sellerB, {
      result: 'REJECTED',
      reason: '착용 흔적이 있습니다',
      photoFileIds: [photo],
    });
    expect(no.status).toBe(200);
    expect(no.body.status).toBe('DELIVERED');
    expect(no.body.items[1]).toMatchObject({ status: 'ORDERED', refundedQuantity: 0 });
    expect(no.body.refundRequests[0]).toMatchObject({
      status: 'REJECTED',
      refundAmount: null,
      inspection: { reason: '착용 흔적이 있습니다', photoFileIds: [photo] },
    });
    const [rejected] = await eventsFor(svc, 'order.return.inspected', order.id);
    expect(rejected!.data).toMatchObject({
      result: 'REJECTED',
      refundAmount: 0,
      reason: '착용 흔적이 있습니다',
    });
    // The seller cannot change its mind; the buyer disputes and an admin settles it.
    const again = await inspect(svc, order.id, requestId, sellerB, { result: 'ACCEPTED' });
    expect(again.status).toBe(409);
    const settled = await inspect(svc, order.id, requestId, randomUUID(), { result: 'ACCEPTED' }, 'admin');
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('REFUND_REQUESTED');
    expect(settled.body.refundRequests[0]).toMatchObject({
      status: 'ACCEPTED',
      refundAmount: 35_000,
      inspection: { role: 'ADMIN' },
    });
    expect(settled.body.items[1]).toMatchObject({ status: 'REFUND_REQUESTED', id: tee.id });
    const confirm = await svc.call('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token });
    expect(confirm.status).toBe(409);
  });

  it('accepting twice at once refunds once: one 200, one 409, one event', async () => {
    const { order, sellerB, requestId } = await returnRequested();
    await deliver(svc, 'shipping.return.received', returnReceived(order.id, sellerB, requestId));
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => inspect(svc, order.id, requestId, sellerB, { result: 'ACCEPTED' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    expect(await eventsFor(svc, 'order.return.inspected', order.id)).toHaveLength(1);
    // payment.refunded twice (a redelivery) completes it once.
    const refund = refunded(order.id, 35_000, requestId);
    await deliver(svc, 'payment.refunded', refund);
    await deliver(svc, 'payment.refunded', refund);
    expect(await eventsFor(svc, 'order.refund.completed', order.id)).toHaveLength(1);
  });

  it('a pickup the carrier refused is PICKUP_FAILED, told to the buyer and the seller, listed for an admin to settle', async () => {
    const { who, order, sellerB, requestId } = await returnRequested();
    const failed = {
      returnShipmentId: randomUUID(),
      orderId: order.id,
      sellerId: sellerB,
      refundRequestId: requestId,
      reason: '회수 불가 지역입니다.',
      failedAt: new Date().toISOString(),
    };
    await deliver(svc, 'shipping.return.failed', failed);
    await deliver(svc, 'shipping.return.failed', failed); // redelivered: told once
    const told = await eventsFor(svc, 'order.return.pickup_failed', order.id);
    expect(told.map((e) => e.data)).toEqual([
      {
        orderId: order.id,
        userId: who.userId,
        sellerId: sellerB,
        refundRequestId: requestId,
        reason: '회수 불가 지역입니다.',
        failedAt: failed.failedAt,
      },
    ]);
    const admin = await tokenFor(randomUUID(), 'admin');
    const waiting = await svc.call('GET', '/api/v1/orders/returns?status=PICKUP_FAILED&limit=100', {
      token: admin,
    });
    expect(waiting.status).toBe(200);
    expect(waiting.body.items.find((r: { id: string }) => r.id === requestId)).toMatchObject({
      orderId: order.id,
      sellerId: sellerB,
      status: 'PICKUP_FAILED',
      pickupFailure: '회수 불가 지역입니다.',
    });
    const others = await svc.call('GET', '/api/v1/orders/returns?status=PICKUP_FAILED', {
      token: await tokenFor(randomUUID(), 'seller'),
    });
    expect(others.body.items).toEqual([]);
    const buyerAsks = await svc.call('GET', '/api/v1/orders/returns', { token: who.token });
    expect(buyerAsks.status).toBe(403);
    const seller = await inspect(svc, order.id, requestId, sellerB, { result: 'ACCEPTED' });
    expect(seller.status).toBe(409);
    const settled = await inspect(
      svc,
      order.id,
      requestId,
      randomUUID(),
      { result: 'REJECTED', reason: '회수 불가' },
      'admin',
    );
    expect(settled.status).toBe(200);
    expect(settled.body.refundRequests[0]).toMatchObject({
      status: 'REJECTED',
      pickupFailure: '회수 불가 지역입니다.',
    });
  });
});

describe('virtual-account orders: the refund account (refundReceiveAccount)', () => {
  async function vaOrder() {
    const who = await buyer();
    const s = twoSellers(svc);
    const res = await place(svc, who, { items: [line(s.tee, 2)], paymentMethod: 'virtual_account' });
    const order = res.body;
    await deliver(svc, 'payment.completed', {
      ...paid(order.id, order.payableAmount),
      method: 'virtual_account',
    });
    return { who, order, ...s };
  }

  it('is required to cancel a paid one, and carried in order.cancelled', async () => {
    const { who, order } = await vaOrder();
    const without = await svc.call('POST', `/api/v1/orders/${order.id}/cancel`, {
      token: who.token,
      body: { reason: '변심' },
    });
    expect([without.status, without.body.errors[0].path]).toEqual([400, 'refundReceiveAccount']);
    const bad = await svc.call('POST', `/api/v1/orders/${order.id}/cancel`, {
      token: who.token,
      body: { reason: '변심', refundReceiveAccount: { ...account, accountNumber: '110-12' } },
    });
    expect(bad.status).toBe(400);
    const ok = await svc.call('POST', `/api/v1/orders/${order.id}/cancel`, {
      token: who.token,
      body: { reason: '변심', refundReceiveAccount: account },
    });
    expect(ok.status).toBe(200);
    const [cancelled] = await eventsFor(svc, 'order.cancelled', order.id);
    expect(cancelled!.data.refundReceiveAccount).toEqual(account);
  });

  it('is required to return one, and carried in order.refund.requested', async () => {
    const { who, order, sellerB } = await vaOrder();
    const sh = shipment(order.id, sellerB);
    await deliver(svc, 'shipping.requested', sh.requested);
    await deliver(svc, 'shipping.dispatched', sh.dispatched);
    await deliver(svc, 'shipping.delivered', sh.delivered);
    const without = await svc.call('POST', `/api/v1/orders/${order.id}/refund-requests`, {
      token: who.token,
      body: { reason: '변심' },
    });
    expect([without.status, without.body.errors[0].path]).toEqual([400, 'refundReceiveAccount']);
    const ok = await svc.call('POST', `/api/v1/orders/${order.id}/refund-requests`, {
      token: who.token,
      body: { reason: '변심', refundReceiveAccount: account },
    });
    expect(ok.status).toBe(201);
    const [requested] = await eventsFor(svc, 'order.refund.requested', order.id);
    expect(requested!.data.refundReceiveAccount).toEqual(account);
  });
});
