/**
 * 알림 템플릿 관리 end to end: an admin rewords the payment-completed 문자 and in-app message
 * through the gateway; the next paid order's SMS (SNS on the AWS emulator) and history entry use
 * the new wording; disabled, the code's wording comes back.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually, textsTo } from './lib.ts';
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

const base = '/api/v1/admin/notification-templates';

let admin: string;
let seller: Party;
let cup: Listed;
beforeAll(async () => {
  admin = await adminToken();
  seller = await verifiedSeller(admin);
  cup = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '텀블러',
    price: 15_000,
    stock: 20,
  });
});
afterAll(async () => {
  // The code's wording again for the suites that follow.
  for (const channel of ['SMS', 'IN_APP']) {
    const off = await api('POST', `${base}/payment-completed/${channel}/disable`, { token: admin });
    expect(off.status, JSON.stringify(off.body)).toBeLessThan(300);
  }
});

/** A buyer with a mobile number, who places and pays an order; answers the order and the E.164 number. */
async function paidOrder() {
  const who = await buyer('template');
  // A number without KakaoTalk (the Kakao sandbox answers K101 for 010-00xx-…), so the 문자 goes by SMS.
  const digits = `00${randomInt(10, 99)}${randomInt(1000, 9999)}`;
  const profile = await api('PATCH', '/api/v1/users/me', {
    token: who.token,
    body: { phone: `010-${digits.slice(0, 4)}-${digits.slice(4)}` },
  });
  expect(profile.status, JSON.stringify(profile.body)).toBe(200);
  const placed = await api('POST', '/api/v1/orders', {
    token: who.token,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      shippingAddress: address,
      paymentMethod: 'card',
      items: [{ productId: cup.productId, sku: cup.sku, quantity: 3 }],
    },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  expect((await pay(who, placed.body, {})).body.status).toBe('DONE');
  const text = await eventually(
    async () => (await textsTo(`+8210${digits}`))[0],
    30_000,
    'the payment SMS in moto',
  );
  return { who, order: placed.body as { id: string; payableAmount: number }, text };
}

describe('an admin rewords the payment-completed SMS and in-app message', () => {
  it('refuses an unknown placeholder, naming the part, and a buyer altogether', async () => {
    const bad = await api('PUT', `${base}/payment-completed/SMS`, {
      token: admin,
      body: { text: '{{couponCode}} 적립' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'text', message: expect.stringContaining('{{couponCode}}') }]);
    const someone = await buyer('template-nosy');
    expect((await api('GET', base, { token: someone.token })).status).toBe(403);
  });

  it('the next paid order is texted and recorded in the new wording; disabled, the old wording returns', async () => {
    const sms = await api('PUT', `${base}/payment-completed/SMS`, {
      token: admin,
      body: { text: '[마켓플레이스] {{amount}} 결제 완료! 주문 {{orderId}} 준비를 시작합니다.' },
    });
    expect(sms.status, JSON.stringify(sms.body)).toBe(200);
    const inApp = await api('PUT', `${base}/payment-completed/IN_APP`, {
      token: admin,
      body: { title: '{{amount}} 결제 완료', body: '주문 {{orderId}}를 곧 보내 드릴게요.' },
    });
    expect(inApp.status).toBe(200);
    const shown = await api('POST', `${base}/payment-completed/preview`, {
      token: admin,
      body: { channel: 'SMS' },
    });
    expect(shown.body.rendered).toMatchObject({
      text: expect.stringContaining('45,000원 결제 완료!'),
      kind: 'LMS',
    });

    const { who, order, text } = await paidOrder();
    const won = `${new Intl.NumberFormat('ko-KR').format(order.payableAmount)}원`;
    expect(text).toBe(`[마켓플레이스] ${won} 결제 완료! 주문 ${order.id} 준비를 시작합니다.`);
    const entry = await eventually(
      async () =>
        (await api('GET', '/api/v1/notifications', { token: who.token })).body.items.find(
          (i: { template: string }) => i.template === 'payment-completed',
        ),
      30_000,
      'the payment message in the history',
    );
    expect(entry).toMatchObject({ title: `${won} 결제 완료`, body: `주문 ${order.id}를 곧 보내 드릴게요.` });

    const view = await api('GET', `${base}/payment-completed`, { token: admin });
    expect(
      view.body.channels.find((c: { channel: string }) => c.channel === 'SMS').activeVersion,
    ).toBeGreaterThan(0);
    for (const channel of ['SMS', 'IN_APP'])
      expect(
        (await api('POST', `${base}/payment-completed/${channel}/disable`, { token: admin })).status,
      ).toBe(200);
    const again = await paidOrder();
    expect(again.text).toMatch(/^\[마켓플레이스\] 결제가 완료되었습니다\n/);
  });
});
