/**
 * People told, end to end: a seller is alerted to a new order of theirs (카카오 알림톡 in the Kakao
 * sandbox, push in the FCM sandbox, the in-app history), and a published notice is read by anyone
 * at /api/v1/notices and pushed to the devices of the audience it names.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually, pushesTo, talksTo } from './lib.ts';
import {
  address,
  buyer,
  category,
  type Listed,
  listedProduct,
  type Party,
  verifiedSeller,
} from './ordering-lib.ts';

/** A device registered for push under the party's sign-in (and so its role). */
async function device(who: Party) {
  const token = `e2e-told-${randomUUID()}`;
  const res = await api('POST', '/api/v1/notifications/devices', {
    token: who.token,
    body: { token, platform: 'ANDROID' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return token;
}

let admin: string;
let seller: Party;
let phone: string;
let sellerDevice: string;
let earbuds: Listed;
beforeAll(async () => {
  admin = await adminToken();
  seller = await verifiedSeller(admin);
  const digits = `${randomInt(1000, 9999)}${randomInt(1000, 9999)}`;
  phone = `+8210${digits}`;
  const profile = await api('PATCH', '/api/v1/users/me', {
    token: seller.token,
    body: { phone: `010-${digits.slice(0, 4)}-${digits.slice(4)}` },
  });
  expect(profile.status, JSON.stringify(profile.body)).toBe(200);
  sellerDevice = await device(seller);
  earbuds = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '무선 이어폰',
    price: 59_000,
    stock: 10,
  });
});

describe("a seller's new-order alert", () => {
  it('tells the seller of a new order by 알림톡, push and the in-app history', async () => {
    const who = await buyer('told');
    const placed = await api('POST', '/api/v1/orders', {
      token: who.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        shippingAddress: address,
        paymentMethod: 'card',
        items: [{ productId: earbuds.productId, sku: earbuds.sku, quantity: 2 }],
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const orderId = placed.body.id as string;

    const talk = await eventually(
      async () => (await talksTo(phone)).find((t) => t.message.includes(orderId)),
      30_000,
      "the seller's new-order 알림톡 in the Kakao sandbox",
    );
    expect(talk).toMatchObject({ templateCode: 'MP_SELLER_ORDER_01', code: 'API_200' });
    expect(talk.message).toContain('상품: 무선 이어폰');
    expect(talk.message).toContain('주문 금액: 118,000원');
    expect(talk.request.button?.[0]).toMatchObject({ name: '주문 확인' });
    expect(talk.request.button?.[0]?.url_mobile).toContain(`/seller/orders/${orderId}`);

    const push = await eventually(
      async () => (await pushesTo(sellerDevice)).find((p) => p.message.notification.body.includes(orderId)),
      30_000,
      "the seller's new-order push",
    );
    expect(push.message.notification.title).toBe('새 주문이 들어왔습니다');

    const history = await api('GET', '/api/v1/notifications', { token: seller.token });
    const entry = history.body.items.find((i: { template: string; body: string }) =>
      i.body.includes(orderId),
    );
    expect(entry).toMatchObject({ template: 'seller-new-order', category: 'seller' });
    // The buyer was not told the seller's news, nor the seller the buyer's receipt.
    const mine = await api('GET', '/api/v1/notifications', { token: who.token });
    expect(mine.body.items.map((i: { template: string }) => i.template)).not.toContain('seller-new-order');
  });
});

describe('notices (공지사항)', () => {
  it('reads a published notice without signing in, and pushes it to the sellers it names', async () => {
    const shopper = await buyer('notice');
    const shopperDevice = await device(shopper);
    const title = `판매자 정산 일정 안내 ${randomUUID().slice(0, 6)}`;
    const draft = await api('POST', '/api/v1/admin/notices', {
      token: admin,
      body: { title, body: '설 연휴에는 정산이 하루 늦어집니다.', audience: 'SELLERS', pinned: true },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const id = draft.body.id as string;
    expect((await api('GET', `/api/v1/notices/${id}`)).status).toBe(404);
    const published = await api('POST', `/api/v1/admin/notices/${id}/publish`, { token: admin });
    expect(published.status, JSON.stringify(published.body)).toBe(200);

    const list = await api('GET', '/api/v1/notices?limit=50');
    expect(list.status).toBe(200);
    expect(list.body.items.find((n: { id: string }) => n.id === id)).toMatchObject({ title, pinned: true });
    const one = await api('GET', `/api/v1/notices/${id}`);
    expect(one.body).toMatchObject({
      id,
      title,
      audience: 'SELLERS',
      body: '설 연휴에는 정산이 하루 늦어집니다.',
    });

    const push = await eventually(
      async () =>
        (await pushesTo(sellerDevice)).find((p) => p.message.notification.title === `[공지] ${title}`),
      30_000,
      'the notice pushed to the seller',
    );
    expect(push.status).toBe(200);
    expect(push.message.data).toMatchObject({ template: 'notice-published' });
    expect(push.message.data.link).toContain(`/notices/${id}`);
    // Pushed once, and not to a buyer.
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await pushesTo(sellerDevice)).filter((p) => p.message.notification.title === `[공지] ${title}`),
    ).toHaveLength(1);
    // (The buyer's device may have the welcome: notification follows sign-ups in batches.)
    expect(
      (await pushesTo(shopperDevice)).filter((p) => p.message.notification.title === `[공지] ${title}`),
    ).toEqual([]);
  });
});
