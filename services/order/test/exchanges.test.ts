import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { autoConfirm } from '../src/domain/confirm.ts';
import { buyer, deliver, deliveredOrder, eventsFor, getOrder, line, orderForFile, place } from './helpers.ts';

const svc = orderForFile({ ORDER_AUTO_CONFIRM_DAYS: '7' });

/** A delivered order of a 129,000원 shoe (270) and two tees; the shoe also comes in 280 (and a dearer 290). */
async function deliveredWithSizes(stock280 = 3) {
  const d = await deliveredOrder(svc);
  const size = (sku: string, unitPrice: number, stock: number) =>
    svc.catalog.product({ sellerId: d.sellerA, productId: d.shoe.productId, sku, unitPrice, stock });
  const s280 = size(`${d.shoe.sku}-280`, 129_000, stock280);
  const s290 = size(`${d.shoe.sku}-290`, 135_000, 3);
  const shoeItem = d.order.items.find((i: { sku: string }) => i.sku === d.shoe.sku);
  const teeItem = d.order.items.find((i: { sku: string }) => i.sku === d.tee.sku);
  return { ...d, s280, s290, shoeItem, teeItem };
}

const ask = (orderId: string, token: string, body: unknown) =>
  svc.call('POST', `/api/v1/orders/${orderId}/exchanges`, { token, body });
const written = async (orderId: string) =>
  svc.deps.db.selectFrom('exchanges').selectAll().where('order_id', '=', orderId).execute();

const legs = (x: { orderId: string; exchangeId: string; sellerId: string }) => {
  const pickup = randomUUID();
  const outbound = randomUUID();
  const at = () => new Date().toISOString();
  const leg = (leg: 'PICKUP' | 'DELIVERY') => ({
    ...x,
    shipmentId: leg === 'PICKUP' ? pickup : outbound,
    leg,
  });
  return {
    booked: { ...x, pickupShipmentId: pickup, deliveryShipmentId: outbound, requestedAt: at() },
    dispatched: (l: 'PICKUP' | 'DELIVERY') => ({
      ...leg(l),
      carrier: 'CJ',
      trackingNumber: '612345678901',
      dispatchedAt: at(),
    }),
    delivered: (l: 'PICKUP' | 'DELIVERY') => ({ ...leg(l), deliveredAt: at() }),
  };
};

describe('requesting an exchange (교환요청)', () => {
  it('reserves the new option and commits the exchange with order.exchange.requested', async () => {
    const d = await deliveredWithSizes();
    const res = await ask(d.order.id, d.who.token, {
      reason: '사이즈가 작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'REQUESTED',
      sellerId: d.sellerA,
      items: [{ itemId: d.shoeItem.id, sku: d.shoe.sku, newSku: d.s280.sku, quantity: 1 }],
      pickup: null,
      delivery: null,
    });
    expect(svc.catalog.reservations.get(res.body.id)).toEqual([{ sku: d.s280.sku, quantity: 1 }]);
    const [event, ...more] = await eventsFor(svc, 'order.exchange.requested', d.order.id);
    expect(more).toHaveLength(0);
    expect(event!.data).toMatchObject({ exchangeId: res.body.id, userId: d.who.userId, sellerId: d.sellerA });
    expect(event!.correlationId).toBe((await eventsFor(svc, 'order.created', d.order.id))[0]!.correlationId);
    const o = await getOrder(svc, d.order.id, d.who.token);
    expect(o.status).toBe('DELIVERED');
    expect(o.exchanges.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    expect(o.events.map((e: { type: string }) => e.type)).toContain('EXCHANGE_REQUESTED');
  });

  it('names the field of a bad request (400) and hides another buyer’s order (404)', async () => {
    const d = await deliveredWithSizes();
    const cases: [unknown, string][] = [
      [{ reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 1 }] }, 'items.0.newSku'],
      [{ items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }] }, 'reason'],
      [
        { reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 0, newSku: d.s280.sku }] },
        'items.0.quantity',
      ],
      [
        { reason: '작아요', items: [{ itemId: randomUUID(), quantity: 1, newSku: d.s280.sku }] },
        'items.0.itemId',
      ],
      [
        { reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.shoe.sku }] },
        'items.0.newSku',
      ],
      [
        { reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 2, newSku: d.s280.sku }] },
        'items.0.quantity',
      ],
      [
        { reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.tee.sku }] },
        'items.0.newSku',
      ],
      [
        {
          reason: '작아요',
          items: [
            { itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku },
            { itemId: d.teeItem.id, quantity: 1, newSku: d.s280.sku },
          ],
        },
        'items',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await ask(d.order.id, d.who.token, body);
      expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, path]);
    }
    const other = await buyer();
    const foreign = await ask(d.order.id, other.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect(await written(d.order.id)).toHaveLength(0);
  });

  it('is for delivered orders only, before purchase is confirmed (the refund request’s window)', async () => {
    const who = await buyer();
    const d = await deliveredWithSizes();
    const placed = await place(svc, who, { items: [line(d.shoe)] });
    const early = await ask(placed.body.id, who.token, {
      reason: '작아요',
      items: [{ itemId: placed.body.items[0].id, quantity: 1, newSku: d.s280.sku }],
    });
    expect([early.status, early.body.code]).toEqual([409, 'EXCHANGE_NOT_ALLOWED']);
    await svc.call('POST', `/api/v1/orders/${d.order.id}/confirm`, { token: d.who.token });
    const late = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    expect([late.status, late.body.code]).toEqual([409, 'EXCHANGE_NOT_ALLOWED']);
  });

  it('refuses another price (409 EXCHANGE_PRICE_MISMATCH) and a sold-out option (409 OUT_OF_STOCK), writing nothing', async () => {
    const d = await deliveredWithSizes(0);
    const dearer = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s290.sku }],
    });
    expect([dearer.status, dearer.body.code, dearer.body.errors[0].path]).toEqual([
      409,
      'EXCHANGE_PRICE_MISMATCH',
      'items.0.newSku',
    ]);
    const soldOut = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    expect([soldOut.status, soldOut.body.code]).toEqual([409, 'OUT_OF_STOCK']);
    expect(await written(d.order.id)).toHaveLength(0);
    expect(await eventsFor(svc, 'order.exchange.requested', d.order.id)).toHaveLength(0);
    expect(svc.catalog.reserved(d.s280.sku)).toBe(0);
    const traces = await svc.deps.db
      .selectFrom('checkout_attempts')
      .select('order_id')
      .where('user_id', '=', d.who.userId)
      .execute();
    expect(traces).toHaveLength(0);
    const o = await getOrder(svc, d.order.id, d.who.token);
    expect(o.events.map((e: { type: string }) => e.type)).not.toContain('EXCHANGE_REQUESTED');
  });

  it('takes a unit once: what is being exchanged cannot be exchanged again nor refunded', async () => {
    const d = await deliveredWithSizes();
    const first = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    expect(first.status).toBe(201);
    const again = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    expect([again.status, again.body.errors?.[0]?.path]).toEqual([400, 'items.0.quantity']);
    const refund = await svc.call('POST', `/api/v1/orders/${d.order.id}/refund-requests`, {
      token: d.who.token,
      body: { reason: '환불', items: [{ itemId: d.shoeItem.id, quantity: 1 }] },
    });
    expect([refund.status, refund.body.errors?.[0]?.path]).toEqual([400, 'items.0.quantity']);
  });
});

describe('exchanges racing for one unit', () => {
  it('lets one of five concurrent requests have it and releases the others’ holds', async () => {
    const d = await deliveredWithSizes(10);
    const body = { reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }] };
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(d.order.id, d.who.token, body)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.status)).toEqual([400, 400, 400, 400]);
    expect(await written(d.order.id)).toHaveLength(1);
    expect(svc.catalog.reserved(d.s280.sku)).toBe(1);
  });
});

describe('an exchange under way', () => {
  it('follows its legs to 교환완료 once both are delivered; purchase confirmation waits for it', async () => {
    const d = await deliveredWithSizes();
    const res = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    const x = legs({ orderId: d.order.id, exchangeId: res.body.id, sellerId: d.sellerA });
    const confirm = await svc.call('POST', `/api/v1/orders/${d.order.id}/confirm`, { token: d.who.token });
    expect([confirm.status, confirm.body.code]).toEqual([409, 'EXCHANGE_OPEN']);
    const longAgo = new Date(Date.now() - 8 * 86_400_000);
    await svc.deps.db
      .updateTable('orders')
      .set({ delivered_at: longAgo })
      .where('id', '=', d.order.id)
      .execute();
    await autoConfirm(svc.ctx);
    expect((await getOrder(svc, d.order.id, d.who.token)).status).toBe('DELIVERED');

    await deliver(svc, 'shipping.exchange.requested', x.booked);
    await deliver(svc, 'shipping.exchange.dispatched', x.dispatched('PICKUP'));
    let o = await getOrder(svc, d.order.id, d.who.token);
    expect(o.exchanges[0]).toMatchObject({
      status: 'IN_PROGRESS',
      pickup: { shipmentId: x.booked.pickupShipmentId, status: 'DISPATCHED' },
      delivery: { shipmentId: x.booked.deliveryShipmentId, status: 'REQUESTED' },
    });
    const withdraw = await svc.call('POST', `/api/v1/orders/${d.order.id}/exchanges/${res.body.id}/cancel`, {
      token: d.who.token,
      body: { reason: '그냥 쓸게요' },
    });
    expect([withdraw.status, withdraw.body.code]).toEqual([409, 'EXCHANGE_NOT_CLOSABLE']);
    await deliver(svc, 'shipping.exchange.delivered', x.delivered('PICKUP'));
    await deliver(svc, 'shipping.exchange.dispatched', x.dispatched('DELIVERY'));
    const delivered = x.delivered('DELIVERY');
    await deliver(svc, 'shipping.exchange.delivered', delivered);
    await deliver(svc, 'shipping.exchange.delivered', delivered);
    await deliver(svc, 'shipping.exchange.delivered', {
      ...delivered,
      deliveredAt: new Date().toISOString(),
    });

    o = await getOrder(svc, d.order.id, d.who.token);
    expect(o.status).toBe('DELIVERED');
    expect(o.exchanges[0]).toMatchObject({ status: 'COMPLETED', delivery: { status: 'DELIVERED' } });
    const completed = await eventsFor(svc, 'order.exchange.completed', d.order.id);
    expect(completed.map((e) => e.data)).toEqual([
      expect.objectContaining({
        exchangeId: res.body.id,
        items: [expect.objectContaining({ sku: d.shoe.sku, newSku: d.s280.sku, quantity: 1 })],
      }),
    ]);
    expect(o.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        'EXCHANGE_SHIPMENTS_BOOKED',
        'EXCHANGE_PICKUP_DISPATCHED',
        'EXCHANGE_PICKUP_DELIVERED',
        'EXCHANGE_DELIVERY_DISPATCHED',
        'EXCHANGE_DELIVERY_DELIVERED',
        'EXCHANGE_COMPLETED',
        'EXCHANGE_DELIVERY_DELIVERED_LATE',
      ]),
    );
    // The new items just arrived: the 7 days to confirm by itself start again.
    await autoConfirm(svc.ctx);
    expect((await getOrder(svc, d.order.id, d.who.token)).status).toBe('DELIVERED');
    await svc.deps.db
      .updateTable('exchanges')
      .set({ completed_at: longAgo })
      .where('id', '=', res.body.id)
      .execute();
    await autoConfirm(svc.ctx);
    o = await getOrder(svc, d.order.id, d.who.token);
    expect(o.status).toBe('COMPLETED');
    const [done] = await eventsFor(svc, 'order.completed', d.order.id);
    expect(done!.data.payableAmount).toBe(d.order.payableAmount);
  });

  it('is rejected by its seller only (교환거부) and withdrawn by its buyer only (교환철회), releasing the hold', async () => {
    const d = await deliveredWithSizes();
    const body = { reason: '작아요', items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }] };
    const first = await ask(d.order.id, d.who.token, body);
    const reject = (token: string, id = first.body.id) =>
      svc.call('POST', `/api/v1/orders/${d.order.id}/exchanges/${id}/reject`, {
        token,
        body: { reason: '착용 흔적이 있어요' },
      });
    expect((await reject(await tokenFor(d.sellerB, 'seller'))).status).toBe(404);
    expect((await reject(d.who.token)).status).toBe(403);
    expect((await reject(await tokenFor(d.sellerA, 'seller'), 'nope')).status).toBe(404);
    const rejected = await reject(await tokenFor(d.sellerA, 'seller'));
    expect(rejected.body).toMatchObject({ status: 'REJECTED', closeReason: '착용 흔적이 있어요' });
    expect((await reject(await tokenFor(d.sellerA, 'seller'))).status).toBe(409);
    const [closed] = await eventsFor(svc, 'order.exchange.cancelled', d.order.id);
    expect(closed!.data).toMatchObject({ exchangeId: first.body.id, status: 'REJECTED' });

    const second = await ask(d.order.id, d.who.token, body);
    expect(second.status).toBe(201);
    const other = await buyer();
    const path = `/api/v1/orders/${d.order.id}/exchanges/${second.body.id}/cancel`;
    expect((await svc.call('POST', path, { token: other.token, body: { reason: '철회' } })).status).toBe(404);
    const withdrawn = await svc.call('POST', path, { token: d.who.token, body: { reason: '철회' } });
    expect(withdrawn.body.status).toBe('CANCELLED');
    const confirmed = await svc.call('POST', `/api/v1/orders/${d.order.id}/confirm`, { token: d.who.token });
    expect(confirmed.body.status).toBe('COMPLETED');
  });
});

describe('an exchange leg the carrier fails (배달불가)', () => {
  it('ends the exchange FAILED, tells both parties through order.exchange.failed, once', async () => {
    const d = await deliveredWithSizes();
    const res = await ask(d.order.id, d.who.token, {
      reason: '작아요',
      items: [{ itemId: d.shoeItem.id, quantity: 1, newSku: d.s280.sku }],
    });
    const x = legs({ orderId: d.order.id, exchangeId: res.body.id, sellerId: d.sellerA });
    await deliver(svc, 'shipping.exchange.requested', x.booked);
    await deliver(svc, 'shipping.exchange.dispatched', x.dispatched('DELIVERY'));
    const failed = {
      exchangeId: res.body.id,
      orderId: d.order.id,
      sellerId: d.sellerA,
      shipmentId: x.booked.deliveryShipmentId,
      leg: 'DELIVERY',
      reason: '배달불가',
      failedAt: new Date().toISOString(),
    };
    await deliver(svc, 'shipping.exchange.failed', failed);
    await deliver(svc, 'shipping.exchange.failed', failed);
    const o = await getOrder(svc, d.order.id, d.who.token);
    expect(o.exchanges[0]).toMatchObject({
      status: 'FAILED',
      delivery: { status: 'FAILED' },
      closeReason: 'DELIVERY: 배달불가',
    });
    const told = await eventsFor(svc, 'order.exchange.failed', d.order.id);
    expect(told.map((e) => e.data)).toEqual([
      expect.objectContaining({
        exchangeId: res.body.id,
        leg: 'DELIVERY',
        sellerId: d.sellerA,
        reason: '배달불가',
      }),
    ]);
    // Purchase confirmation no longer waits for it.
    const confirm = await svc.call('POST', `/api/v1/orders/${d.order.id}/confirm`, { token: d.who.token });
    expect(confirm.status).toBe(200);
  });
});
