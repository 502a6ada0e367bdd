/**
 * 반품 end to end, through the gateway and real Dapr: the buyer asks to return delivered units,
 * shipping books the pickup with the carrier (sandbox), the parcel comes back to the seller, the
 * seller inspects it. Accepted (a change of mind): payment refunds the lines less the return shipping
 * fee, inventory puts the units back on hand, the buyer is told. Rejected: no money moves, stock
 * stays as sold, the order is delivered again and the buyer is told why.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually } from './lib.ts';
import {
  address,
  buyer,
  category,
  inOrder,
  type Listed,
  listedProduct,
  orderOf,
  orderReaches,
  type Party,
  pay,
  paymentOf,
  sagaShows,
  shipAndDeliver,
  stockOf,
  verifiedSeller,
} from './ordering-lib.ts';

/** ORDER_RETURN_SHIPPING_FEE's default: what a change of mind costs the buyer. */
const RETURN_FEE = 3_000;

let admin: string;
let seller: Party;
let tee: Listed;
let socks: Listed;
beforeAll(async () => {
  admin = await adminToken();
  seller = await verifiedSeller(admin);
  tee = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '반품 테스트 티셔츠',
    price: 21_000,
    stock: 20,
  });
  socks = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '반품 테스트 양말',
    price: 9_000,
    stock: 20,
  });
  for (const p of [tee, socks])
    await eventually(async () => (await stockOf(seller, p.sku))?.onHand === 20, 20_000, 'in stock');
});

/** A delivered order (two tees, or the lines given), its buyer and its correlation headers. */
async function delivered(
  tag: string,
  lines: { p: Listed; quantity: number }[] = [{ p: tee, quantity: 2 }],
  shippingAddress = address,
) {
  const who = await buyer(tag);
  const headers = { 'x-correlation-id': `e2e-${tag}-${randomUUID()}` };
  const placed = await api('POST', '/api/v1/orders', {
    token: who.token,
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: {
      shippingAddress,
      paymentMethod: 'card',
      items: lines.map(({ p, quantity }) => ({ productId: p.productId, sku: p.sku, quantity })),
    },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const order = placed.body;
  expect((await pay(who, order, headers)).body.status).toBe('DONE');
  await orderReaches(who, order.id, 'PREPARING');
  await shipAndDeliver(order, [seller], headers);
  await orderReaches(who, order.id, 'DELIVERED');
  return { who, order, headers };
}

/** A delivered order (two tees, or the lines given), and its return of everything requested; the pickup booked and brought back. */
async function returnedParcel(
  tag: string,
  returnReason: 'CHANGE_OF_MIND' | 'SELLER_FAULT',
  lines?: { p: Listed; quantity: number }[],
) {
  const { who, order, headers } = await delivered(tag, lines);
  const sold = (await stockOf(seller, tee.sku))!.onHand;

  const asked = await api('POST', `/api/v1/orders/${order.id}/refund-requests`, {
    token: who.token,
    headers,
    body: { reason: '생각했던 색이 아니에요', returnReason },
  });
  expect([asked.status, asked.body.status], JSON.stringify(asked.body)).toEqual([201, 'REFUND_REQUESTED']);
  const requestId = asked.body.refundRequests[0].id;
  // Nothing is refunded on the request: the parcel must come back and be inspected first.
  expect((await paymentOf(who, order.id)).refundedAmount).toBe(0);

  // Shipping books the pickup with the carrier; its invoice is tracked like any parcel.
  const pickup = await eventually(
    async () => {
      const r = (
        await api('GET', `/api/v1/shipments?orderId=${order.id}&kind=RETURN`, { token: seller.token })
      ).body.items?.[0];
      return r?.trackingNumber ? r : undefined;
    },
    30_000,
    'the pickup booked with the carrier',
  );
  const sent = (lines ?? [{ p: tee, quantity: 2 }]).map(({ p, quantity }) => ({ sku: p.sku, quantity }));
  expect(pickup).toMatchObject({ status: 'DISPATCHED' });
  expect(pickup.items).toHaveLength(sent.length);
  expect(pickup.items).toEqual(expect.arrayContaining(sent.map((l) => expect.objectContaining(l))));
  const early = await api('POST', `/api/v1/orders/${order.id}/refund-requests/${requestId}/inspection`, {
    token: seller.token,
    body: { result: 'ACCEPTED' },
  });
  expect([early.status, early.body.code]).toEqual([409, 'RETURN_NOT_INSPECTABLE']);
  const moved = await api(
    'POST',
    `/sandbox/carrier/parcels/${pickup.carrier}/${pickup.trackingNumber}/advance`,
    {
      body: { to: 'delivered' },
    },
  );
  expect(moved.body.complete).toBe(true);
  await api('POST', `/api/v1/shipments/${pickup.id}/tracking/refresh`, { token: seller.token });
  await eventually(
    async () => (await orderOf(who, order.id)).refundRequests[0].status === 'RECEIVED',
    30_000,
    'the return received by the seller',
  );
  return { who, order, headers, requestId, sold };
}

const inspect = (orderId: string, requestId: string, body: Record<string, unknown>) =>
  api('POST', `/api/v1/orders/${orderId}/refund-requests/${requestId}/inspection`, {
    token: seller.token,
    body,
  });

const told = (who: Party, template: string, orderId: string) =>
  eventually(
    async () =>
      (await api('GET', '/api/v1/notifications', { token: who.token })).body.items?.find(
        (i: { template: string; body: string }) => i.template === template && i.body.includes(orderId),
      ),
    30_000,
    `the ${template} message`,
  );

describe('반품 with inspection', () => {
  it('accepted (change of mind): refunded less the return fee, restocked, the buyer told', async () => {
    const { who, order, headers, requestId, sold } = await returnedParcel('return-ok', 'CHANGE_OF_MIND');
    const worth = order.payableAmount;
    const ok = await inspect(order.id, requestId, { result: 'ACCEPTED' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.refundRequests[0]).toMatchObject({
      status: 'ACCEPTED',
      returnReason: 'CHANGE_OF_MIND',
      returnShippingFee: RETURN_FEE,
      refundAmount: worth - RETURN_FEE,
    });

    const final = await orderReaches(who, order.id, 'REFUNDED');
    expect(final.refundedAmount).toBe(worth - RETURN_FEE);
    expect(final.refundRequests[0]).toMatchObject({ status: 'COMPLETED', refundAmount: worth - RETURN_FEE });
    expect(await paymentOf(who, order.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: worth - RETURN_FEE,
      balanceAmount: RETURN_FEE,
    });
    await eventually(
      async () => (await stockOf(seller, tee.sku))?.onHand === sold + 2,
      30_000,
      'the returned tees back on hand',
    );
    const accepted = await told(who, 'return-accepted', order.id);
    expect(accepted.body).toContain('반품배송비');
    await told(who, 'refund-completed', order.id);

    const events = await sagaShows(admin, headers['x-correlation-id'], [
      'order.refund.requested',
      'shipping.return.requested',
      'shipping.return.received',
      'order.return.inspected',
      'payment.refunded',
      'order.refund.completed',
    ]);
    inOrder(events, [
      'order.refund.requested',
      'shipping.return.received',
      'order.return.inspected',
      'payment.refunded',
      'order.refund.completed',
    ]);
  });

  it('rejected: no money, stock as sold, the order delivered again, the buyer told why', async () => {
    const { who, order, headers, requestId, sold } = await returnedParcel('return-no', 'SELLER_FAULT');
    const bare = await inspect(order.id, requestId, { result: 'REJECTED', reason: '착용 흔적' });
    expect([bare.status, bare.body.errors?.[0]?.path]).toEqual([400, 'photoFileIds']);
    const no = await inspect(order.id, requestId, {
      result: 'REJECTED',
      reason: '착용 흔적과 얼룩이 있습니다',
      photoFileIds: [randomUUID()],
    });
    expect(no.status, JSON.stringify(no.body)).toBe(200);
    expect(no.body.status).toBe('DELIVERED');
    expect(no.body.refundRequests[0]).toMatchObject({ status: 'REJECTED', refundAmount: null });
    const again = await inspect(order.id, requestId, { result: 'ACCEPTED' });
    expect(again.status).toBe(409);

    const rejected = await told(who, 'return-rejected', order.id);
    expect(rejected.body).toContain('착용 흔적과 얼룩이 있습니다');
    await sagaShows(admin, headers['x-correlation-id'], ['order.return.inspected']);
    expect(await paymentOf(who, order.id)).toMatchObject({ status: 'DONE', refundedAmount: 0 });
    expect((await stockOf(seller, tee.sku))!.onHand).toBe(sold);
    const o = await orderOf(who, order.id);
    expect([o.status, o.refundedAmount]).toEqual(['DELIVERED', 0]);
    // Purchase can be confirmed again: the goods stay with the buyer.
    const confirmed = await api('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token });
    expect([confirmed.status, confirmed.body.status]).toEqual([200, 'COMPLETED']);
  });

  it('accepted in part: the tees refunded less the fee and restocked, the socks rejected and split off; an admin overturns the rejection', async () => {
    const { who, order, requestId } = await returnedParcel('return-part', 'CHANGE_OF_MIND', [
      { p: tee, quantity: 2 },
      { p: socks, quantity: 1 },
    ]);
    const socksSold = (await stockOf(seller, socks.sku))!.onHand;
    const teesSold = (await stockOf(seller, tee.sku))!.onHand;
    const itemOf = (p: Listed) =>
      order.items.find((i: { productId: string }) => i.productId === p.productId) as { id: string };
    const teesWorth = 2 * 21_000;
    const ok = await inspect(order.id, requestId, {
      result: 'ACCEPTED',
      reason: '양말은 착용 흔적이 있습니다',
      photoFileIds: [randomUUID()],
      lines: [{ itemId: itemOf(socks).id, result: 'REJECTED' }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const [kept, split] = ok.body.refundRequests;
    expect(kept).toMatchObject({
      status: 'ACCEPTED',
      amount: teesWorth,
      returnShippingFee: RETURN_FEE,
      refundAmount: teesWorth - RETURN_FEE,
      inspection: { splitInto: split.id },
    });
    expect(split).toMatchObject({
      status: 'REJECTED',
      splitFrom: requestId,
      items: [{ itemId: itemOf(socks).id, quantity: 1 }],
    });

    // The tees' money comes back less the fee and the tees go back on hand; the socks stay sold.
    const refunded = await orderReaches(who, order.id, 'PARTIALLY_REFUNDED');
    expect(refunded.refundedAmount).toBe(teesWorth - RETURN_FEE);
    await eventually(
      async () => (await stockOf(seller, tee.sku))?.onHand === teesSold + 2,
      30_000,
      'the tees back on hand',
    );
    expect((await stockOf(seller, socks.sku))!.onHand).toBe(socksSold);
    await told(who, 'return-accepted', order.id);
    const rejected = await told(who, 'return-rejected', order.id);
    expect(rejected.body).toContain('양말은 착용 흔적이 있습니다');
    const disputed = await api('GET', '/api/v1/orders/returns?status=REJECTED&limit=100', { token: admin });
    expect(disputed.body.items.find((r: { id: string }) => r.id === split.id)).toMatchObject({
      splitFrom: requestId,
      rejectionReason: '양말은 착용 흔적이 있습니다',
    });

    // The buyer disputes; an admin overturns the socks' rejection: refunded whole (the fee was kept once).
    const settled = await api('POST', `/api/v1/orders/${order.id}/refund-requests/${split.id}/inspection`, {
      token: admin,
      body: { result: 'ACCEPTED' },
    });
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body.refundRequests[1]).toMatchObject({ returnShippingFee: 0, refundAmount: 9_000 });
    const final = await orderReaches(who, order.id, 'REFUNDED');
    expect(final.refundedAmount).toBe(order.payableAmount - RETURN_FEE);
    expect(await paymentOf(who, order.id)).toMatchObject({ balanceAmount: RETURN_FEE });
    await eventually(
      async () => (await stockOf(seller, socks.sku))?.onHand === socksSold + 1,
      30_000,
      'the socks back on hand',
    );
  });

  it('a pickup the carrier cannot make: the buyer and the seller told, the return listed for an admin, who settles it', async () => {
    const { who, order } = await delivered('return-nopickup', [{ p: tee, quantity: 1 }], {
      ...address,
      zipCode: '99123',
    });
    const asked = await api('POST', `/api/v1/orders/${order.id}/refund-requests`, {
      token: who.token,
      body: { reason: '사이즈가 맞지 않아요' },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const requestId = asked.body.refundRequests[0].id;
    const failed = await eventually(
      async () => {
        const r = (await orderOf(who, order.id)).refundRequests[0];
        return r.status === 'PICKUP_FAILED' ? r : undefined;
      },
      30_000,
      'the pickup failed',
    );
    expect(failed.pickupFailure).toBeTruthy();
    const buyerTold = await told(who, 'return-pickup-failed', order.id);
    expect(buyerTold.body).toContain(failed.pickupFailure);
    await told(seller, 'seller-return-pickup-failed', order.id);
    const waiting = await api('GET', '/api/v1/orders/returns?status=PICKUP_FAILED&limit=100', {
      token: admin,
    });
    expect(waiting.body.items.find((r: { id: string }) => r.id === requestId)).toMatchObject({
      orderId: order.id,
      status: 'PICKUP_FAILED',
    });
    // The seller cannot inspect what never came back; an admin settles it (the buyer keeps the tee).
    const sellerTries = await inspect(order.id, requestId, { result: 'ACCEPTED' });
    expect(sellerTries.status).toBe(409);
    const settled = await api('POST', `/api/v1/orders/${order.id}/refund-requests/${requestId}/inspection`, {
      token: admin,
      body: { result: 'REJECTED', reason: '회수 불가 지역: 구매자와 통화 후 반품 철회' },
    });
    expect([settled.status, settled.body.status]).toEqual([200, 'DELIVERED']);
  });
});
