/**
 * Push, 알림톡 and SMS end to end: a buyer with a registered device and a mobile number places and
 * pays an order; the push reaches the FCM sandbox (through the gateway), the 문자 goes as a 카카오
 * 알림톡 to the Kakao sandbox — or, for a number without KakaoTalk, falls back to SNS on the AWS
 * emulator (moto) — and the admin monitor shows notification.sent per channel under the order's
 * correlation id.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually, monitored, pushesTo, talksTo, textsTo } from './lib.ts';
import {
  address,
  buyer,
  category,
  type Listed,
  listedProduct,
  type Party,
  pay,
  verifiedSeller,
} from './ordering-lib.ts';

let admin: string;
let seller: Party;
let mug: Listed;
beforeAll(async () => {
  admin = await adminToken();
  // The code's wording, whatever an earlier run left: a stack's databases outlive a run, and one
  // stopped inside notification-templates.test.ts keeps its payment-completed override active.
  for (const channel of ['SMS', 'IN_APP']) {
    const off = await api(
      'POST',
      `/api/v1/admin/notification-templates/payment-completed/${channel}/disable`,
      {
        token: admin,
      },
    );
    expect(off.status, JSON.stringify(off.body)).toBeLessThan(300);
  }
  seller = await verifiedSeller(admin);
  mug = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '머그컵',
    price: 12_000,
    stock: 20,
  });
});

/** The buyer's mobile number (the digits after 010), then an order for `quantity` mugs placed and paid. */
async function paidOrder(who: Party, digits: string, headers: Record<string, string> = {}, quantity = 1) {
  const phone = `010-${digits.slice(0, 4)}-${digits.slice(4)}`;
  const profile = await api('PATCH', '/api/v1/users/me', { token: who.token, body: { phone } });
  expect(profile.status, JSON.stringify(profile.body)).toBe(200);
  const placed = await api('POST', '/api/v1/orders', {
    token: who.token,
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: {
      shippingAddress: address,
      paymentMethod: 'card',
      items: [{ productId: mug.productId, sku: mug.sku, quantity }],
    },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  expect((await pay(who, placed.body, headers)).body.status).toBe('DONE');
  return { who, order: placed.body as { id: string; payableAmount: number } };
}

describe('카카오 알림톡 for an order', () => {
  it('sends the payment 문자 as a 알림톡 of its approved template, and no SMS', async () => {
    const digits = `${randomInt(1000, 9999)}${randomInt(1000, 9999)}`;
    const { order } = await paidOrder(await buyer('talk'), digits);
    const [talk] = await eventually(
      async () => {
        const got = await talksTo(`+8210${digits}`);
        return got.length ? got : undefined;
      },
      30_000,
      'the payment 알림톡 in the Kakao sandbox',
    );
    expect(talk).toMatchObject({ templateCode: 'MP_PAYMENT_DONE_01', code: 'API_200' });
    expect(talk!.message).toContain(`주문번호: ${order.id}`);
    expect(await textsTo(`+8210${digits}`)).toEqual([]);
  });
});

describe('push (FCM) and SMS (SNS) for an order', () => {
  it('pushes to the registered device, and the 알림톡 falls back to SMS for a number without KakaoTalk', async () => {
    const who = await buyer('push');
    // 010-00xx-…: the Kakao sandbox answers K101 (카카오톡 미사용자), so the 문자 goes by SMS.
    const digits = `00${randomInt(10, 99)}${randomInt(1000, 9999)}`;
    const device = `e2e-${randomUUID()}`;
    const registered = await api('POST', '/api/v1/notifications/devices', {
      token: who.token,
      body: { token: device, platform: 'ANDROID' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);

    const headers = { 'x-correlation-id': `e2e-push-${randomUUID()}` };
    const { order: placed } = await paidOrder(who, digits, headers, 2);

    const pushes = await eventually(
      async () => {
        const got = await pushesTo(device);
        return got.some((p) => p.message.notification.title === '결제가 완료되었습니다') ? got : undefined;
      },
      30_000,
      'the payment push in the FCM sandbox',
    );
    const paidPush = pushes.find((p) => p.message.notification.title === '결제가 완료되었습니다')!;
    expect(paidPush.status).toBe(200);
    const won = `${new Intl.NumberFormat('ko-KR').format(placed.payableAmount)}원`;
    expect(paidPush.message.notification.body).toContain(`결제 금액: ${won}`);
    expect(paidPush.message.data.template).toBe('payment-completed');
    // The order's receipt (주문 접수) was pushed too; each message once. (The sign-up's welcome may be
    // pushed as well: notification follows user.created in batches, so it can come after the device.)
    const titles = pushes
      .map((p) => p.message.notification.title)
      .filter((t) => !t.endsWith('가입을 환영합니다'))
      .sort();
    expect(titles).toEqual(['결제가 완료되었습니다', '주문이 접수되었습니다']);

    const texts = await eventually(
      async () => {
        const got = await textsTo(`+8210${digits}`);
        return got.length ? got : undefined;
      },
      30_000,
      'the payment SMS in moto',
    );
    expect(texts).toEqual([expect.stringMatching(/^\[마켓플레이스\] 결제가 완료되었습니다\n/)]);
    expect(texts[0]).toContain(placed.id);

    // The monitor: notification.sent for email, push and SMS under the order's correlation id.
    const sent = await eventually(
      async () => {
        const events = await monitored(admin, {
          correlationId: headers['x-correlation-id'],
          type: 'notification.sent',
        });
        const paid = events
          .map(
            (e) =>
              (e as unknown as { envelope: { data: { channel: string; template: string } } }).envelope.data,
          )
          .filter((d) => d.template === 'payment-completed');
        return paid.length >= 3 ? paid : undefined;
      },
      30_000,
      'notification.sent for every channel in the monitor',
    );
    expect(sent.map((d) => d.channel).sort()).toEqual(['EMAIL', 'PUSH', 'SMS']);
    expect((await talksTo(`+8210${digits}`)).map((t) => t.code)).toEqual(['K101']);

    // The buyer's history says how the payment message went out on each channel.
    const history = await api('GET', '/api/v1/notifications', { token: who.token });
    const entry = history.body.items.find((i: { template: string }) => i.template === 'payment-completed');
    expect(
      entry.deliveries.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`).sort(),
    ).toEqual(['ALIMTALK:FAILED', 'EMAIL:SENT', 'PUSH:SENT', 'SMS:SENT']);
  });

  it('forgets a device FCM says is gone', async () => {
    const who = await buyer('gone');
    const device = `unregistered-${randomUUID()}`;
    await api('POST', '/api/v1/notifications/devices', {
      token: who.token,
      body: { token: device, platform: 'IOS' },
    });
    const placed = await api('POST', '/api/v1/orders', {
      token: who.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        shippingAddress: address,
        paymentMethod: 'card',
        items: [{ productId: mug.productId, sku: mug.sku, quantity: 1 }],
      },
    });
    expect(placed.status).toBe(201);
    await eventually(
      async () =>
        (await api('GET', '/api/v1/notifications/devices', { token: who.token })).body.items.length === 0,
      30_000,
      'the dead device to be removed',
    );
    expect((await pushesTo(device)).map((p) => p.status)).toEqual([404]);
  });
});
