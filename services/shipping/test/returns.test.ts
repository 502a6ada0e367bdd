import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bookPickups } from '../src/domain/returns.ts';
import { pollTracking } from '../src/domain/tracking.ts';
import { advance, deliver, eventsFor, newTrackingNumber, paidOrder, shippingForFile } from './helpers.ts';

const svc = shippingForFile();

/** A paid order and a return of seller 0's second line requested; the delivery's address zip given. */
async function returnRequested(zipCode = '06236') {
  const { o, shipments } = await paidOrder(svc);
  await svc.deps.db
    .updateTable('shipments')
    .set({ recipient: JSON.stringify({ ...shipments[0].recipient, zipCode }) as never })
    .where('id', '=', shipments[0].id)
    .execute();
  const refundRequestId = randomUUID();
  await deliver(svc, 'order.refund.requested', {
    orderId: o.orderId,
    userId: o.userId,
    refundRequestId,
    reason: '단순변심',
    amount: 9_900,
    items: [{ itemId: o.items[1]!.itemId, sellerId: o.sellers[0], quantity: 1, amount: 9_900 }],
    requestedAt: new Date().toISOString(),
    returnReason: 'CHANGE_OF_MIND',
    sellerId: o.sellers[0],
  });
  const ret = () =>
    svc.deps.db
      .selectFrom('shipments')
      .selectAll()
      .where('order_id', '=', o.orderId)
      .where('kind', '=', 'RETURN')
      .executeTakeFirstOrThrow();
  return { o, refundRequestId, ret };
}

describe('반품 회수: the pickup booked with the carrier', () => {
  it('books it (an invoice, DISPATCHED), tracks it, and announces it back with the seller once', async () => {
    const { o, refundRequestId, ret } = await returnRequested();
    await bookPickups(svc.ctx);
    const booked = await ret();
    expect(booked).toMatchObject({ status: 'DISPATCHED', carrier: 'CJ' });
    expect(booked.tracking_number).toMatch(/^\d{12}$/);
    // Booking the same pickup again (a lost answer) is the same booking at the carrier.
    const again = await svc.ctx.carrier.bookPickup('CJ', {
      orderNo: booked.id,
      senderName: '김철수',
      senderPhone: '010-1234-5678',
      senderAddress: '서울',
      senderZipCode: '06236',
      itemName: '반품',
      quantity: 1,
    });
    expect(again.trackingNumber).toBe(booked.tracking_number);

    await advance(svc, 'CJ', booked.tracking_number!, 'delivered');
    await pollTracking(svc.ctx, { refreshAfterMs: 0 });
    await pollTracking(svc.ctx, { refreshAfterMs: 0 });
    expect((await ret()).status).toBe('DELIVERED');
    const received = await eventsFor(svc, 'shipping.return.received', o.orderId);
    expect(received.map((e) => e.data)).toEqual([
      expect.objectContaining({ returnShipmentId: booked.id, refundRequestId, sellerId: o.sellers[0] }),
    ]);
    // A return is not the order's delivery.
    expect(await eventsFor(svc, 'shipping.delivered', o.orderId)).toHaveLength(0);
  });

  it('fails a pickup the carrier refuses (zip 99…: 회수 불가 지역) and announces it', async () => {
    const { o, refundRequestId, ret } = await returnRequested('99001');
    await bookPickups(svc.ctx);
    expect(await ret()).toMatchObject({ status: 'FAILED', reason: '회수 불가 지역입니다.' });
    const [failed] = await eventsFor(svc, 'shipping.return.failed', o.orderId);
    expect(failed!.data).toMatchObject({ refundRequestId, reason: '회수 불가 지역입니다.' });
  });

  it('asks again later when the carrier does not answer (zip 98…), booking nothing meanwhile', async () => {
    const { o, ret } = await returnRequested('98001');
    await bookPickups(svc.ctx);
    const r = await ret();
    expect([r.status, r.tracking_number]).toEqual(['REQUESTED', null]);
    expect(r.last_polled_at).not.toBeNull();
    expect(await eventsFor(svc, 'shipping.return.failed', o.orderId)).toHaveLength(0);
  });

  it('announces a parcel the carrier could not bring back (배달불가)', async () => {
    const { o, ret } = await returnRequested();
    await bookPickups(svc.ctx);
    await advance(svc, 'CJ', (await ret()).tracking_number!, 'failed');
    await pollTracking(svc.ctx, { refreshAfterMs: 0 });
    expect((await ret()).status).toBe('FAILED');
    expect(await eventsFor(svc, 'shipping.return.failed', o.orderId)).toHaveLength(1);
  });
});

describe('an exchange leg the carrier fails', () => {
  it('announces shipping.exchange.failed with the leg', async () => {
    const { o } = await paidOrder(svc);
    const exchangeId = randomUUID();
    await deliver(svc, 'order.exchange.requested', {
      orderId: o.orderId,
      exchangeId,
      userId: o.userId,
      sellerId: o.sellers[0],
      reason: '사이즈',
      items: [
        {
          itemId: o.items[0]!.itemId,
          productId: o.items[0]!.productId,
          sku: 'NK-AIR-270',
          newSku: 'NK-AIR-280',
          quantity: 1,
        },
      ],
      requestedAt: new Date().toISOString(),
    });
    const pickup = await svc.deps.db
      .selectFrom('shipments')
      .selectAll()
      .where('exchange_id', '=', exchangeId)
      .where('kind', '=', 'EXCHANGE_PICKUP')
      .executeTakeFirstOrThrow();
    const number = newTrackingNumber();
    await svc.call('POST', `/api/v1/shipments/${pickup.id}/dispatch`, {
      token: o.seller[0],
      body: { carrier: 'CJ', trackingNumber: number },
    });
    await advance(svc, 'CJ', number, 'failed');
    await pollTracking(svc.ctx, { refreshAfterMs: 0 });
    const [failed] = await eventsFor(svc, 'shipping.exchange.failed', o.orderId);
    expect(failed!.data).toMatchObject({
      exchangeId,
      leg: 'PICKUP',
      shipmentId: pickup.id,
      reason: '배달불가',
    });
  });
});
