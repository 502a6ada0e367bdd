import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buyer,
  deliver,
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
} from './helpers.ts';

const svc = orderForFile({ ORDER_RETURN_SHIPPING_FEE: '3000' });

/** One seller's delivered order of two tees and a pair of socks, all of it sent back and received. */
async function twoLinesReturned() {
  const who = await buyer();
  const seller = randomUUID();
  const tee = svc.catalog.product({ sellerId: seller, name: '무지 티셔츠', unitPrice: 19_000, stock: 5 });
  const socks = svc.catalog.product({ sellerId: seller, name: '면 양말', unitPrice: 5_000, stock: 5 });
  const placed = await place(svc, who, { items: [line(tee, 2), line(socks)] });
  expect(placed.status).toBe(201);
  const order = placed.body;
  await deliver(svc, 'payment.completed', paid(order.id, order.payableAmount));
  const sh = shipment(order.id, seller);
  for (const step of ['requested', 'dispatched', 'delivered'] as const)
    await deliver(svc, `shipping.${step}`, sh[step]);
  const asked = await svc.call('POST', `/api/v1/orders/${order.id}/refund-requests`, {
    token: who.token,
    body: { reason: '마음이 바뀌었어요' },
  });
  expect(asked.status).toBe(201);
  const requestId = asked.body.refundRequests[0].id as string;
  await deliver(svc, 'shipping.return.received', returnReceived(order.id, seller, requestId));
  const idOf = (p: { productId: string }) =>
    (order.items as { id: string; productId: string }[]).find((i) => i.productId === p.productId)!.id;
  return { who, order, seller, requestId, teeId: idOf(tee), socksId: idOf(socks) };
}

describe('a return accepted in part (부분 승인)', () => {
  it('refunds the accepted lines less the fee; the rejected ones split off, for an admin to settle', async () => {
    const { who, order, seller, requestId, teeId, socksId } = await twoLinesReturned();
    expect(order.payableAmount).toBe(43_000);
    const partly = { result: 'ACCEPTED', lines: [{ itemId: socksId, result: 'REJECTED' }] };
    const noReason = await inspect(svc, order.id, requestId, seller, {
      ...partly,
      photoFileIds: [randomUUID()],
    });
    expect([noReason.status, noReason.body.errors[0].path]).toEqual([400, 'reason']);
    const noPhoto = await inspect(svc, order.id, requestId, seller, { ...partly, reason: '사용 흔적' });
    expect([noPhoto.status, noPhoto.body.errors[0].path]).toEqual([400, 'photoFileIds']);

    const ok = await inspect(svc, order.id, requestId, seller, {
      ...partly,
      lines: [...partly.lines, { itemId: teeId, condition: 'DAMAGED' }],
      reason: '양말은 착용 흔적이 있습니다',
      photoFileIds: [randomUUID()],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('REFUND_REQUESTED');
    const [kept, split] = ok.body.refundRequests;
    expect(kept).toMatchObject({
      id: requestId,
      status: 'ACCEPTED',
      amount: 38_000,
      returnShippingFee: 3000,
      refundAmount: 35_000,
      items: [{ itemId: teeId, quantity: 2 }],
      inspection: {
        result: 'ACCEPTED',
        splitInto: split.id,
        lines: [{ itemId: teeId, condition: 'DAMAGED' }],
      },
    });
    expect(split).toMatchObject({
      status: 'REJECTED',
      splitFrom: requestId,
      amount: 5_000,
      refundAmount: null,
      items: [{ itemId: socksId, quantity: 1 }],
      inspection: { result: 'REJECTED', reason: '양말은 착용 흔적이 있습니다' },
    });
    const statusOf = (id: string) => ok.body.items.find((i: { id: string }) => i.id === id).status;
    expect([statusOf(teeId), statusOf(socksId)]).toEqual(['REFUND_REQUESTED', 'ORDERED']);
    const inspected = await eventsFor(svc, 'order.return.inspected', order.id);
    expect(inspected.map((e) => e.data)).toMatchObject([
      {
        refundRequestId: requestId,
        result: 'ACCEPTED',
        refundAmount: 35_000,
        lines: [{ sku: expect.any(String), quantity: 2, condition: 'DAMAGED' }],
      },
      {
        refundRequestId: split.id,
        splitFrom: requestId,
        result: 'REJECTED',
        refundAmount: 0,
        amount: 5_000,
        lines: [{ quantity: 1 }],
      },
    ]);

    // The buyer disputes the socks: an admin cannot reopen them while the tees' refund is on its way.
    const early = await inspect(svc, order.id, split.id, randomUUID(), { result: 'ACCEPTED' }, 'admin');
    expect([early.status, early.body.code]).toEqual([409, 'RETURN_NOT_INSPECTABLE']);
    await deliver(svc, 'payment.refunded', refunded(order.id, 35_000, requestId));
    let o = await getOrder(svc, order.id, who.token);
    expect([o.status, o.refundedAmount]).toEqual(['PARTIALLY_REFUNDED', 35_000]);

    // Overturned: the socks are refunded whole, the return's fee having been kept once already.
    const settled = await inspect(svc, order.id, split.id, randomUUID(), { result: 'ACCEPTED' }, 'admin');
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body.refundRequests[1]).toMatchObject({
      status: 'ACCEPTED',
      returnShippingFee: 0,
      refundAmount: 5_000,
      inspection: { role: 'ADMIN' },
    });
    const last = (await eventsFor(svc, 'order.return.inspected', order.id)).at(-1)!;
    expect(last.data).toMatchObject({ refundRequestId: split.id, splitFrom: requestId, refundAmount: 5_000 });
    await deliver(svc, 'payment.refunded', refunded(order.id, 5_000, split.id));
    o = await getOrder(svc, order.id, who.token);
    expect([o.status, o.refundedAmount]).toEqual(['REFUNDED', order.payableAmount - 3000]);
  });

  it('a rejection that stands leaves the rejected lines the buyer’s: the order can be confirmed', async () => {
    const { who, order, seller, requestId, socksId } = await twoLinesReturned();
    const ok = await inspect(svc, order.id, requestId, seller, {
      result: 'REJECTED',
      lines: [{ itemId: socksId, result: 'ACCEPTED' }],
      reason: '티셔츠는 세탁한 흔적이 있습니다',
      photoFileIds: [randomUUID()],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // The socks are worth 5,000: the return fee takes 3,000 of it.
    expect(ok.body.refundRequests[0]).toMatchObject({
      status: 'ACCEPTED',
      amount: 5_000,
      refundAmount: 2_000,
    });
    expect(ok.body.refundRequests[1]).toMatchObject({ status: 'REJECTED', amount: 38_000 });
    await deliver(svc, 'payment.refunded', refunded(order.id, 2_000, requestId));
    const confirmed = await svc.call('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token });
    expect([confirmed.status, confirmed.body.status, confirmed.body.refundedAmount]).toEqual([
      200,
      'COMPLETED',
      2_000,
    ]);
  });
});
