import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../src/domain/jobs.ts';
import {
  basic,
  confirm,
  eventsFor,
  eventually,
  leftInProgress,
  newOrder,
  payInWindow,
  paymentForFile,
  paymentOf,
  sandboxRow,
  type TestOrder,
} from './helpers.ts';
import { payWithMethod, saveCard } from './methods-helpers.ts';

const svc = paymentForFile();

/** An order and a card its buyer saved (a test card: its number decides how the PG behaves). */
async function orderWithCard(cardNumber?: string, o: Parameters<typeof newOrder>[1] = {}) {
  const order = await newOrder(svc, o);
  const card = await saveCard(svc, order, cardNumber);
  return { order, card };
}
const completed = (order: TestOrder) => eventsFor(svc, 'payment.completed', order.orderId);

describe('paying an order with a saved card (간편결제)', () => {
  it("charges the payment's amount through the billing API: DONE, payment.completed once", async () => {
    const { order, card } = await orderWithCard();
    const res = await payWithMethod(svc, order, card.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'DONE',
      amount: order.amount,
      balanceAmount: order.amount,
      paymentMethodId: card.id,
    });
    expect(res.body.paymentKey).toEqual(expect.any(String));
    const pg = await sandboxRow(svc, order.orderId);
    expect(pg).toMatchObject({
      type: 'BILLING',
      status: 'DONE',
      totalAmount: order.amount,
      card: { number: card.card.number },
    });
    const events = await completed(order);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ amount: order.amount, method: 'card', userId: order.userId });
    // A repeat answers the paid payment; nothing is charged again.
    const again = await payWithMethod(svc, order, card.id);
    expect([again.status, again.body.status]).toEqual([200, 'DONE']);
    expect(await completed(order)).toHaveLength(1);
  });

  it('charges once when the same payment is paid twice at once', async () => {
    const { order, card } = await orderWithCard();
    const results = await Promise.all(Array.from({ length: 4 }, () => payWithMethod(svc, order, card.id)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    for (const r of results)
      if (r.status !== 200) expect([r.status, r.body.code]).toEqual([409, 'PAYMENT_IN_PROGRESS']);
    expect((await paymentOf(svc, order.orderId)).status).toBe('DONE');
    expect(await completed(order)).toHaveLength(1);
    const pg = await sandboxRow(svc, order.orderId);
    expect([pg.status, pg.balanceAmount, pg.cancels]).toEqual(['DONE', order.amount, null]);
  });

  it('fails a payment the card issuer declines: 422, FAILED, payment.failed; never charged again', async () => {
    const { order, card } = await orderWithCard('4330123412340002');
    const res = await payWithMethod(svc, order, card.id);
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
    expect((await payWithMethod(svc, order, card.id)).body.code).toBe('PAYMENT_FAILED');
  });

  it('keeps the payment payable after a PG error, and charges exactly once on the retry', async () => {
    const { order, card } = await orderWithCard('4330123412340501');
    const first = await payWithMethod(svc, order, card.id);
    expect([first.status, first.body.code]).toEqual([503, 'PG_UNAVAILABLE']);
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
    const second = await payWithMethod(svc, order, card.id);
    expect([second.status, second.body.status]).toEqual([200, 'DONE']);
    expect(await completed(order)).toHaveLength(1);
  });

  it('resolves a PG timeout by asking the PG: the late-answered charge is DONE, charged once', async () => {
    const { order, card } = await orderWithCard('4330123412340600');
    const res = await payWithMethod(svc, order, card.id);
    expect([res.status, res.body.status]).toEqual([200, 'DONE']);
    expect(await completed(order)).toHaveLength(1);
    expect((await sandboxRow(svc, order.orderId)).balanceAmount).toBe(order.amount);
  });

  it('answers 202 while the PG is still processing, and settles from the PG later', async () => {
    const { order, card } = await orderWithCard('4330123412340601');
    const res = await payWithMethod(svc, order, card.id);
    expect([res.status, res.body.status]).toEqual([202, 'IN_PROGRESS']);
    const second = await payWithMethod(svc, order, card.id);
    expect([second.status, second.body.code]).toEqual([409, 'PAYMENT_IN_PROGRESS']);
    // The card cannot be removed while it pays.
    const removal = await svc.call('DELETE', `/api/v1/payments/methods/${card.id}`, { token: order.token });
    expect([removal.status, removal.body.code]).toEqual([409, 'PAYMENT_METHOD_IN_USE']);
    await eventually(async () => (await paymentOf(svc, order.orderId)).status === 'DONE');
    await reconcile(svc.ctx);
    expect(await completed(order)).toHaveLength(1);
  });

  /** Our claim of attempt 1, as a process that died right after it (or after the PG call) left it. */
  const claimedThenDied = (orderId: string, methodId: string) => leftInProgress(svc, orderId, { methodId });

  it('sends a charge that never left (crash after the claim) under its key; a repeat is the same charge', async () => {
    const { order, card } = await orderWithCard();
    await claimedThenDied(order.orderId, card.id);
    await reconcile(svc.ctx);
    const p = await paymentOf(svc, order.orderId);
    expect(p.status).toBe('DONE');
    expect(await completed(order)).toHaveLength(1);
    // The same key again (a second replica, a retry) is answered from the PG's idempotency: one charge.
    const m = await svc.deps.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', card.id)
      .executeTakeFirstOrThrow();
    const replay = await svc.call(
      'POST',
      `/sandbox/pg/v1/billing/${svc.ctx.methods.unseal(m.billing_key_sealed!)}`,
      {
        headers: { authorization: basic, 'idempotency-key': `billing-${p.id}-1` },
        body: {
          customerKey: m.customer_key,
          amount: order.amount,
          orderId: order.orderId,
          orderName: p.order_name,
        },
      },
    );
    expect([replay.status, replay.body.paymentKey]).toEqual([200, p.payment_key]);
    expect((await sandboxRow(svc, order.orderId)).balanceAmount).toBe(order.amount);
  });

  it('settles from the PG a charge whose answer was lost (crash after the PG approved)', async () => {
    const { order, card } = await orderWithCard();
    const p = await paymentOf(svc, order.orderId);
    const m = await svc.deps.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', card.id)
      .executeTakeFirstOrThrow();
    const direct = await svc.call(
      'POST',
      `/sandbox/pg/v1/billing/${svc.ctx.methods.unseal(m.billing_key_sealed!)}`,
      {
        headers: { authorization: basic, 'idempotency-key': `billing-${p.id}-1` },
        body: {
          customerKey: m.customer_key,
          amount: order.amount,
          orderId: order.orderId,
          orderName: p.order_name,
        },
      },
    );
    expect(direct.status).toBe(200);
    await claimedThenDied(order.orderId, card.id);
    await reconcile(svc.ctx);
    expect(await paymentOf(svc, order.orderId)).toMatchObject({
      status: 'DONE',
      payment_key: direct.body.paymentKey,
    });
    expect(await completed(order)).toHaveLength(1);
  });

  it('replays the first answer for the same Idempotency-Key', async () => {
    const { order, card } = await orderWithCard();
    const headers = { 'idempotency-key': randomUUID() };
    const a = await payWithMethod(svc, order, card.id, headers);
    const b = await payWithMethod(svc, order, card.id, headers);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('who and what may be paid with a saved card', () => {
  it("answers another buyer's order or card as not found, and charges nothing", async () => {
    const { order, card } = await orderWithCard();
    const stranger = await newOrder(svc);
    const theirCard = await saveCard(svc, stranger);
    const notMyOrder = await payWithMethod(svc, { ...order, token: stranger.token }, theirCard.id);
    expect([notMyOrder.status, notMyOrder.body.code]).toEqual([404, 'PAYMENT_NOT_FOUND']);
    const notMyCard = await payWithMethod(svc, order, theirCard.id);
    expect([notMyCard.status, notMyCard.body.code, notMyCard.body.errors[0].path]).toEqual([
      404,
      'PAYMENT_METHOD_NOT_FOUND',
      'methodId',
    ]);
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
    expect(card.id).not.toBe(theirCard.id);
  });

  it('refuses a removed card, an overdue payment, and an order to be paid otherwise', async () => {
    const { order, card } = await orderWithCard();
    await svc.call('DELETE', `/api/v1/payments/methods/${card.id}`, { token: order.token });
    expect((await payWithMethod(svc, order, card.id)).body.code).toBe('PAYMENT_METHOD_NOT_FOUND');

    const late = await orderWithCard(undefined, { dueInMs: -1000 });
    expect((await payWithMethod(svc, late.order, late.card.id)).body.code).toBe('PAYMENT_EXPIRED');

    const transfer = await orderWithCard(undefined, { method: 'virtual_account' });
    const res = await payWithMethod(svc, transfer.order, transfer.card.id);
    expect([res.status, res.body.code]).toEqual([409, 'PAYMENT_METHOD_MISMATCH']);
  });

  it('refuses an order already paid in the payment window', async () => {
    const { order, card } = await orderWithCard();
    expect((await confirm(svc, order, await payInWindow(svc, order))).status).toBe(200);
    const res = await payWithMethod(svc, order, card.id);
    expect([res.status, res.body.code]).toEqual([409, 'PAYMENT_ALREADY_DONE']);
    expect(await completed(order)).toHaveLength(1);
  });

  it('answers 422 PAYMENT_METHOD_INVALID when the PG no longer knows the billing key; the payment stays payable', async () => {
    const { order, card } = await orderWithCard();
    const row = await svc.deps.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', card.id)
      .executeTakeFirstOrThrow();
    await svc.ctx.pg.removeBillingKey(svc.ctx.methods.unseal(row.billing_key_sealed!));
    const res = await payWithMethod(svc, order, card.id);
    expect([res.status, res.body.code, res.body.errors[0].path]).toEqual([
      422,
      'PAYMENT_METHOD_INVALID',
      'methodId',
    ]);
    expect((await paymentOf(svc, order.orderId)).status).toBe('READY');
    // Another way of paying still works.
    expect((await confirm(svc, order, await payInWindow(svc, order))).body.status).toBe('DONE');
  });

  it('names every bad field', async () => {
    const res = await svc.call('POST', '/api/v1/payments/pay-with-method', {
      token: await tokenFor('u', 'buyer'),
      body: { orderId: '', methodId: 'card-1', amount: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['methodId', 'orderId']);
  });
});
