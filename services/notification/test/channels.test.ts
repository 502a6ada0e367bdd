import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../src/domain/dispatch.ts';
import {
  account,
  deliver,
  deliveriesOf,
  dueNow,
  mobile,
  notificationForFile,
  paymentCompleted,
  pushesTo,
  registerDevice,
  textsTo,
} from './helpers.ts';

const svc = notificationForFile({ DELIVERY_MAX_ATTEMPTS: '2' });

const run = () => dispatch(svc.dispatcher);
const history = async (who: { token: () => Promise<string> }) =>
  (await svc.call('GET', '/api/v1/notifications', { token: await who.token() })).body.items;
const outboxFor = async (topic: string, sourceEventId: string) =>
  (await svc.outbox(topic)).filter((e) => e.data.sourceEventId === sourceEventId);
const mailsTo = (email: string) => svc.dapr.bindings.filter((b) => b.metadata.emailTo === email);

describe('push and SMS for a paid order', () => {
  it('pushes to the device and texts the mobile number (+82), each recorded with notification.sent', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    const device = await registerDevice(svc, kim);
    const { status, event } = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    expect(status).toBe('SUCCESS');
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['결제가 완료되었습니다']);
    expect((await deliveriesOf(svc, event.eventId)).map((d) => [d.channel, d.status])).toEqual([
      ['PUSH', 'PENDING'],
      ['SMS', 'PENDING'],
    ]);
    // The two outcomes go on kim's history entry with one read and one write.
    const historyCalls = { reads: 0, writes: 0 };
    const { getStates, saveState, saveStates } = svc.dapr;
    Object.assign(svc.dapr, {
      getStates: (...args: Parameters<typeof getStates>) => {
        historyCalls.reads++;
        return getStates(...args);
      },
      saveState: (...args: Parameters<typeof saveState>) => {
        historyCalls.writes++;
        return saveState(...args);
      },
      saveStates: (...args: Parameters<typeof saveStates>) => {
        historyCalls.writes++;
        return saveStates(...args);
      },
    });
    try {
      expect(await run()).toBe(2);
    } finally {
      Object.assign(svc.dapr, { getStates, saveState, saveStates });
    }
    expect(historyCalls).toEqual({ reads: 1, writes: 1 });

    const [pushed] = await pushesTo(svc, device);
    expect(pushed).toMatchObject({
      status: 200,
      message: {
        token: device,
        notification: { title: '결제가 완료되었습니다', body: expect.stringContaining('45,000원') },
        data: { template: 'payment-completed' },
      },
    });
    const texts = await textsTo(phone.e164);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^\[마켓플레이스\] 결제가 완료되었습니다\n주문번호 .+\n결제 금액: 45,000원$/);

    const sent = await outboxFor('notification.sent', event.eventId);
    expect(sent.map((e) => e.data.channel).sort()).toEqual(['EMAIL', 'PUSH', 'SMS']);
    for (const e of sent) expect(e.correlationId).toBe(event.correlationId);
    const [entry] = await history(kim);
    expect(
      entry.deliveries.map((d: { channel: string; status: string }) => [d.channel, d.status]).sort(),
    ).toEqual([
      ['EMAIL', 'SENT'],
      ['PUSH', 'SENT'],
      ['SMS', 'SENT'],
    ]);
  });

  it('sends each channel once: a redelivered event and two dispatchers at once push and text one time', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    const device = await registerDevice(svc, kim);
    const first = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    await deliver(svc, 'payment.completed', {}, { event: first.event });
    await Promise.all([run(), run(), run()]);
    await deliver(svc, 'payment.completed', {}, { event: first.event });
    await run();
    expect(await pushesTo(svc, device)).toHaveLength(1);
    expect(await textsTo(phone.e164)).toHaveLength(1);
    expect(await deliveriesOf(svc, first.event.eventId)).toHaveLength(2);
    expect(await outboxFor('notification.sent', first.event.eventId)).toHaveLength(3);
  });

  it('retried email (Dapr redelivery) does not queue push or SMS twice', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    const device = await registerDevice(svc, kim);
    svc.smtpDown.value = true;
    const first = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    expect(first.status).toBe('RETRY');
    // The failed handling rolled back: nothing queued until the event is handled for good.
    expect(await deliveriesOf(svc, first.event.eventId)).toEqual([]);
    svc.smtpDown.value = false;
    expect((await deliver(svc, 'payment.completed', {}, { event: first.event })).status).toBe('SUCCESS');
    await run();
    expect(await pushesTo(svc, device)).toHaveLength(1);
    expect(await textsTo(phone.e164)).toHaveLength(1);
  });
});

describe('failures stay in their channel', () => {
  it('a push FCM cannot take never holds back the email; it is retried, then given up with notification.failed', async () => {
    const kim = account(svc, null);
    const device = await registerDevice(svc, kim, 'unavailable');
    const { status, event } = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    expect(status).toBe('SUCCESS');
    expect(mailsTo(kim.email)).toHaveLength(1);
    await run();
    const [waiting] = await deliveriesOf(svc, event.eventId);
    expect([waiting!.channel, waiting!.status, waiting!.attempts]).toEqual(['PUSH', 'PENDING', 1]);
    expect(waiting!.reason).toContain('UNAVAILABLE');
    expect(waiting!.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    await dueNow(svc);
    await run();
    const [failed] = await outboxFor('notification.failed', event.eventId);
    expect(failed!.data).toMatchObject({ channel: 'PUSH', template: 'payment-completed', userId: kim.id });
    expect(failed!.data.reason).toContain('UNAVAILABLE');
    expect((await pushesTo(svc, device)).map((p) => p.status)).toEqual([503, 503]);
    // No phone on the account: the SMS was skipped, and said so in the history.
    const [entry] = await history(kim);
    expect(entry.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'PUSH', status: 'FAILED' }),
        expect.objectContaining({ channel: 'SMS', status: 'SKIPPED', reason: 'no mobile number' }),
      ]),
    );
  });

  it('retries a flaky device and reaches it on the second attempt, without pushing twice to the others', async () => {
    const kim = account(svc);
    const steady = await registerDevice(svc, kim);
    const flaky = await registerDevice(svc, kim, 'flaky');
    const { event } = await deliver(svc, 'shipping.delivered', {
      shipmentId: randomUUID(),
      orderId: randomUUID(),
      deliveredAt: new Date().toISOString(),
      recipient: '김철수',
      userId: kim.id,
    });
    await run();
    const push = (await deliveriesOf(svc, event.eventId)).find((d) => d.channel === 'PUSH')!;
    expect([push.status, push.reached]).toEqual(['PENDING', [steady]]);
    await dueNow(svc);
    await run();
    expect((await pushesTo(svc, steady)).map((p) => p.status)).toEqual([200]);
    expect((await pushesTo(svc, flaky)).map((p) => p.status)).toEqual([200, 503]);
    const done = (await deliveriesOf(svc, event.eventId)).find((d) => d.channel === 'PUSH')!;
    expect([done.status, done.attempts]).toEqual(['SENT', 2]);
  });

  it('forgets a device FCM no longer knows, and still reaches the others', async () => {
    const kim = account(svc, null);
    const live = await registerDevice(svc, kim);
    const dead = await registerDevice(svc, kim, 'unregistered');
    const invalid = await registerDevice(svc, kim, 'invalid');
    const { event } = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    await run();
    const devices = (await svc.call('GET', '/api/v1/notifications/devices', { token: await kim.token() }))
      .body.items;
    expect(devices.map((d: { token: string }) => d.token)).toEqual([live]);
    expect((await pushesTo(svc, dead)).map((p) => p.errorCode)).toEqual(['UNREGISTERED']);
    expect((await pushesTo(svc, invalid)).map((p) => p.errorCode)).toEqual(['INVALID_ARGUMENT']);
    expect((await outboxFor('notification.sent', event.eventId)).map((e) => e.data.channel).sort()).toEqual([
      'EMAIL',
      'PUSH',
    ]);
    // Only dead tokens left: the push fails for good and is not retried.
    const lee = account(svc, null);
    const gone = await registerDevice(svc, lee, 'unregistered');
    const second = await deliver(svc, 'payment.completed', paymentCompleted(lee.id));
    await run();
    await dueNow(svc);
    await run();
    expect((await deliveriesOf(svc, second.event.eventId)).map((d) => [d.channel, d.status])).toEqual([
      ['PUSH', 'FAILED'],
      ['SMS', 'SKIPPED'],
    ]);
    expect(await pushesTo(svc, gone)).toHaveLength(1);
  });

  it('waits for user when it cannot be reached before texting', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    svc.userDown.value = true;
    const { event } = await deliver(svc, 'order.cancelled', {
      orderId: randomUUID(),
      userId: kim.id,
      reason: '고객 요청',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PAID',
    });
    svc.userDown.value = false;
    // Email could not be addressed while user was down: the event is redelivered by Dapr.
    await deliver(svc, 'order.cancelled', {}, { event });
    svc.userDown.value = true;
    await run();
    const [sms] = await deliveriesOf(svc, event.eventId);
    expect([sms!.channel, sms!.status]).toEqual(['SMS', 'PENDING']);
    svc.userDown.value = false;
    await dueNow(svc);
    await run();
    expect(await textsTo(phone.e164)).toEqual([expect.stringContaining('주문이 취소되었습니다')]);
  });
});

describe('which messages go by push and SMS', () => {
  it('texts only what a shopper gets a 문자 for, and only mobile numbers', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    const { event } = await deliver(svc, 'order.created', {
      orderId: randomUUID(),
      userId: kim.id,
      sellerId: randomUUID(),
      sellerIds: [],
      items: [],
      totalAmount: 1000,
      discountAmount: 0,
      shippingFee: 0,
      payableAmount: 1000,
      paymentMethod: 'card',
      paymentDueAt: new Date().toISOString(),
      createdAt: new Date().toISOString(),
      shippingAddress: { recipient: '김', phone: '010-1234-5678', address: '서울', zipCode: '06234' },
    });
    expect(await deliveriesOf(svc, event.eventId)).toEqual([]);
    const landline = account(svc, '02-123-4567');
    const second = await deliver(svc, 'payment.completed', paymentCompleted(landline.id));
    await run();
    expect((await deliveriesOf(svc, second.event.eventId))[0]).toMatchObject({
      channel: 'SMS',
      status: 'SKIPPED',
      reason: 'no mobile number',
    });
  });

  it('follows the settings: push and SMS per category, and nothing for a category turned off', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    const device = await registerDevice(svc, kim);
    const on = { orders: true, shipping: true, seller: true, marketing: false };
    const put = await svc.call('PUT', '/api/v1/notifications/settings', {
      token: await kim.token(),
      body: {
        channels: { email: true, inApp: true },
        categories: on,
        push: { ...on, orders: false },
        sms: { ...on, shipping: false },
      },
    });
    expect(put.status).toBe(200);
    const paid = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    const shipped = await deliver(
      svc,
      'shipping.dispatched',
      {
        shipmentId: randomUUID(),
        orderId: randomUUID(),
        carrier: 'CJ',
        trackingNumber: '600123456789',
        estimatedDelivery: new Date().toISOString(),
        dispatchedAt: new Date().toISOString(),
      },
      { userId: kim.id },
    );
    expect((await deliveriesOf(svc, paid.event.eventId)).map((d) => d.channel)).toEqual(['SMS']);
    expect((await deliveriesOf(svc, shipped.event.eventId)).map((d) => d.channel)).toEqual(['PUSH']);
    await run();
    expect((await pushesTo(svc, device)).map((p) => p.message.notification.title)).toEqual([
      '상품이 발송되었습니다',
    ]);
    expect(await textsTo(phone.e164)).toEqual([expect.stringContaining('결제가 완료되었습니다')]);

    // An older client's PUT (no push, no sms) keeps them; turning the category off stops every channel.
    await svc.call('PUT', '/api/v1/notifications/settings', {
      token: await kim.token(),
      body: { channels: { email: true, inApp: true }, categories: { ...on, orders: false } },
    });
    const got = (await svc.call('GET', '/api/v1/notifications/settings', { token: await kim.token() })).body;
    expect([got.push.orders, got.sms.shipping]).toEqual([false, false]);
    const quiet = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    expect(await deliveriesOf(svc, quiet.event.eventId)).toEqual([]);
  });

  it('never pushes or texts a message that carries a secret (the reset link)', async () => {
    const kim = account(svc);
    await registerDevice(svc, kim);
    const { event } = await deliver(svc, 'auth.password.reset', {
      userId: kim.id,
      email: kim.email,
      phase: 'requested',
      resetId: 'r-abcdefghijklmnopqrstuvwxyz0123456789',
      expiresAt: new Date().toISOString(),
      at: new Date().toISOString(),
    });
    expect(await deliveriesOf(svc, event.eventId)).toEqual([]);
  });
});

describe('an account deleted (user.deleted)', () => {
  it('erases its devices, unsent messages, history and settings, and a redelivery changes nothing', async () => {
    const kim = account(svc);
    const device = await registerDevice(svc, kim);
    const settings = await svc.call('GET', '/api/v1/notifications/settings', { token: await kim.token() });
    const put = await svc.call('PUT', '/api/v1/notifications/settings', {
      token: await kim.token(),
      body: { ...settings.body, categories: { ...settings.body.categories, marketing: true } },
    });
    expect(put.status).toBe(200);
    const { event: paid } = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    expect(await history(kim)).toHaveLength(1);
    expect((await deliveriesOf(svc, paid.eventId)).map((d) => d.status)).toEqual(['PENDING', 'PENDING']);

    const deleted = { userId: kim.id, deletedAt: new Date().toISOString() };
    const { status, event } = await deliver(svc, 'user.deleted', deleted);
    expect(status).toBe('SUCCESS');
    expect(await deliveriesOf(svc, paid.eventId)).toEqual([]);
    const devices = await svc.call('GET', '/api/v1/notifications/devices', { token: await kim.token() });
    expect(devices.body.items).toEqual([]);
    expect(await history(kim)).toEqual([]);
    const after = await svc.call('GET', '/api/v1/notifications/settings', { token: await kim.token() });
    expect(after.body.categories.marketing).toBe(false);
    expect(await run()).toBe(0);
    expect(await pushesTo(svc, device)).toEqual([]);
    expect((await deliver(svc, 'user.deleted', deleted, { event })).status).toBe('SUCCESS');
  });
});
