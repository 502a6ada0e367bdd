import { randomUUID } from 'node:crypto';
import { subscriptionsOf } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { serviceForFile, TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { startNotification } from './helpers.ts';

const svc = serviceForFile(
  () => startNotification({ PUBLIC_BASE_URL: 'https://shop.example.kr', NOTIFICATION_MAX_ATTEMPTS: '3' }),
  'the notification service',
);

const account = () => {
  const id = randomUUID();
  svc.accounts.set(id, { email: `n-${id.slice(0, 8)}@example.kr`, phone: null, status: 'ACTIVE' });
  return { id, email: svc.accounts.get(id)!.email, token: tokenFor(id, 'buyer') };
};
const deliver = async (
  source: string,
  topic: string,
  data: object,
  opts: { userId?: string; eventId?: string } = {},
) => {
  const event = buildEvent(
    source as never,
    'test',
    topic as never,
    data as never,
    opts.userId ? { userId: opts.userId } : {},
  );
  const res = await svc.call('POST', `/events/${topic}`, {
    body: { id: event.eventId, data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });
  return { status: res.body.status as string, event };
};
const mailsTo = (email: string) => svc.dapr.bindings.filter((b) => b.metadata.emailTo === email);
const history = async (token: Promise<string>, query = '') =>
  (await svc.call('GET', `/api/v1/notifications${query}`, { token: await token })).body;
const now = () => new Date().toISOString();
const orderCreated = (userId: string) => ({
  orderId: randomUUID(),
  userId,
  sellerId: randomUUID(),
  sellerIds: [],
  items: [],
  totalAmount: 45_000,
  discountAmount: 0,
  shippingFee: 0,
  payableAmount: 45_000,
  paymentMethod: 'card',
  paymentDueAt: now(),
  createdAt: now(),
  shippingAddress: { recipient: '김철수', phone: '010-1234-5678', address: '서울', zipCode: '06234' },
});

describe('password reset mail', () => {
  it('mails the link with the token through the email binding, and keeps it out of the history', async () => {
    const kim = account();
    // The event names the reset; the token comes from auth's internal route (never the broker).
    const token = 'token-of-r-abcdefghijklmnopqrstuvwxyz';
    const { status, event } = await deliver('auth', 'auth.password.reset', {
      userId: kim.id,
      email: kim.email,
      phase: 'requested',
      resetId: 'r-abcdefghijklmnopqrstuvwxyz',
      expiresAt: now(),
      at: now(),
    });
    expect(status).toBe('SUCCESS');
    const [mail] = mailsTo(kim.email);
    expect(mail).toMatchObject({
      name: 'email',
      operation: 'create',
      metadata: { subject: '비밀번호 재설정 안내' },
    });
    // The Korean display name travels as an encoded word, so the SMTP binding can parse the address.
    expect(mail!.metadata.emailFrom).toBe(
      `=?UTF-8?B?${Buffer.from('마켓플레이스').toString('base64')}?= <no-reply@marketplace.local>`,
    );
    expect(String(mail!.data)).toContain(`https://shop.example.kr/reset-password?token=${token}`);
    const h = await history(kim.token);
    expect(h.items[0]).toMatchObject({
      template: 'password-reset',
      channel: 'EMAIL',
      status: 'SENT',
      link: null,
    });
    expect(JSON.stringify(h)).not.toContain(token);
    const [sent] = (await svc.outbox('notification.sent')).filter(
      (e) => e.data.sourceEventId === event.eventId,
    );
    expect(sent!.data).toMatchObject({ userId: kim.id, channel: 'EMAIL', template: 'password-reset' });
  });

  it('sends nothing for a reset auth no longer holds open (used or replaced)', async () => {
    const kim = account();
    const { status } = await deliver('auth', 'auth.password.reset', {
      userId: kim.id,
      email: kim.email,
      phase: 'requested',
      resetId: 'gone-r-1',
      expiresAt: now(),
      at: now(),
    });
    expect(status).toBe('SUCCESS');
    expect(mailsTo(kim.email)).toEqual([]);
  });

  it('mails an email verification link with the token fetched from auth, kept out of the history', async () => {
    const kim = account();
    const token = 'token-of-r-verification-0123456789';
    const { status } = await deliver('auth', 'auth.email.verification', {
      userId: kim.id,
      email: kim.email,
      verificationId: 'r-verification-0123456789',
      expiresAt: now(),
      at: now(),
    });
    expect(status).toBe('SUCCESS');
    const [mail] = mailsTo(kim.email);
    expect(mail!.metadata.subject).toBe('이메일 주소를 확인해 주세요');
    expect(String(mail!.data)).toContain(`https://shop.example.kr/verify-email?token=${token}`);
    const h = await history(kim.token);
    expect(h.items[0]).toMatchObject({ template: 'email-verification', channel: 'EMAIL', link: null });
    expect(JSON.stringify(h)).not.toContain(token);
  });

  it('sends nothing for a verification auth no longer holds open (used, replaced or expired)', async () => {
    const kim = account();
    const { status } = await deliver('auth', 'auth.email.verification', {
      userId: kim.id,
      email: kim.email,
      verificationId: 'gone-v-1',
      expiresAt: now(),
      at: now(),
    });
    expect(status).toBe('SUCCESS');
    expect(mailsTo(kim.email)).toEqual([]);
  });

  it('mails the notice of a completed reset', async () => {
    const kim = account();
    await deliver('auth', 'auth.password.reset', {
      userId: kim.id,
      email: kim.email,
      phase: 'completed',
      at: now(),
    });
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['비밀번호가 변경되었습니다']);
  });

  it('escapes what the event says inside the HTML', async () => {
    const kim = account();
    await deliver('user', 'user.created', {
      userId: kim.id,
      email: kim.email,
      name: '<script>x</script>',
      role: 'buyer',
      createdAt: now(),
    });
    const [mail] = mailsTo(kim.email);
    expect(String(mail!.data)).not.toContain('<script>');
    expect(String(mail!.data)).toContain('&lt;script&gt;');
  });
});

describe('messages about orders, by the recipient settings', () => {
  it('looks the address up through user and mails it', async () => {
    const kim = account();
    await deliver('order', 'order.created', orderCreated(kim.id));
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['주문이 접수되었습니다']);
    expect(String(mailsTo(kim.email)[0]!.data)).toContain('45,000원');
  });

  it('keeps only the in-app entry when email is off, and nothing when the category is off', async () => {
    const kim = account();
    const put = await svc.call('PUT', '/api/v1/notifications/settings', {
      token: await kim.token,
      body: {
        channels: { email: false, inApp: true },
        categories: { orders: true, shipping: false, seller: true, marketing: false },
      },
    });
    expect(put.status).toBe(200);
    const { event } = await deliver('order', 'order.created', orderCreated(kim.id));
    await deliver('shipping', 'shipping.delivered', {
      shipmentId: randomUUID(),
      orderId: randomUUID(),
      deliveredAt: now(),
      recipient: '김철수',
      userId: kim.id,
    });
    expect(mailsTo(kim.email)).toEqual([]);
    const h = await history(kim.token);
    expect(h.items.map((i: { template: string; channel: string }) => [i.template, i.channel])).toEqual([
      ['order-received', 'IN_APP'],
    ]);
    const [sent] = (await svc.outbox('notification.sent')).filter(
      (e) => e.data.sourceEventId === event.eventId,
    );
    expect(sent!.data.channel).toBe('IN_APP');
    // Account mail is sent whatever the settings say.
    await deliver('admin', 'admin.user.suspended', {
      userId: kim.id,
      adminId: randomUUID(),
      reason: '부정 거래',
      suspendedAt: now(),
    });
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['계정 이용이 정지되었습니다']);
  });

  it('takes the recipient from the envelope when the payload has none', async () => {
    const kim = account();
    await deliver(
      'shipping',
      'shipping.dispatched',
      {
        shipmentId: randomUUID(),
        orderId: randomUUID(),
        carrier: 'CJ',
        trackingNumber: '6001-2345',
        estimatedDelivery: now(),
        dispatchedAt: now(),
      },
      { userId: kim.id },
    );
    const [mail] = mailsTo(kim.email);
    expect(mail!.metadata.subject).toBe('상품이 발송되었습니다');
    expect(String(mail!.data)).toContain('CJ대한통운');
  });

  it('sends nothing for an event that names no one, and for a deleted account only the in-app entry is skipped too', async () => {
    expect(
      (
        await deliver('admin', 'admin.notice.published', {
          noticeId: randomUUID(),
          title: '공지',
          adminId: randomUUID(),
          publishedAt: now(),
        })
      ).status,
    ).toBe('SUCCESS');
    const gone = randomUUID();
    svc.accounts.set(gone, { email: 'deleted@deleted.invalid', phone: null, status: 'DELETED' });
    await deliver('order', 'order.cancelled', {
      orderId: randomUUID(),
      userId: gone,
      reason: 'x',
      cancelledAt: now(),
      previousStatus: 'PAID',
    });
    expect(mailsTo('deleted@deleted.invalid')).toEqual([]);
  });
});

describe('failures', () => {
  it('asks Dapr to retry a failed send, then gives up with notification.failed', async () => {
    const kim = account();
    svc.smtpDown.value = true;
    const first = await deliver('order', 'order.created', orderCreated(kim.id));
    expect(first.status).toBe('RETRY');
    const again = () =>
      svc.call('POST', '/events/order.created', {
        body: { id: first.event.eventId, data: first.event },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
    expect((await again()).body.status).toBe('RETRY');
    expect((await again()).body.status).toBe('SUCCESS');
    svc.smtpDown.value = false;
    const [failed] = (await svc.outbox('notification.failed')).filter((e) => e.data.userId === kim.id);
    expect(failed!.data).toMatchObject({ channel: 'EMAIL', template: 'order-received' });
    expect(failed!.data.reason).toContain('connection refused');
    expect((await history(kim.token)).items[0]).toMatchObject({ status: 'FAILED' });
    expect((await again()).body.status).toBe('SUCCESS');
    expect((await svc.outbox('notification.failed')).filter((e) => e.data.userId === kim.id)).toHaveLength(1);
  });

  it('retries while user cannot be reached', async () => {
    const kim = account();
    svc.userDown.value = true;
    const res = await deliver('order', 'order.created', orderCreated(kim.id));
    svc.userDown.value = false;
    expect(res.status).toBe('RETRY');
    expect(mailsTo(kim.email)).toEqual([]);
  });
});

describe('history and settings', () => {
  it('pages my notifications newest first, counts and marks unread ones', async () => {
    const kim = account();
    for (let i = 0; i < 3; i++) await deliver('order', 'order.created', orderCreated(kim.id));
    const p1 = await history(kim.token, '?limit=2');
    expect(p1.items).toHaveLength(2);
    expect(p1.unread).toBe(3);
    const p2 = await history(kim.token, `?limit=2&cursor=${p1.nextCursor}`);
    expect(p2.items).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    const id = p1.items[0].id;
    expect(
      (await svc.call('POST', `/api/v1/notifications/${id}/read`, { token: await kim.token })).status,
    ).toBe(204);
    expect((await history(kim.token, '?unread=true')).items.map((i: { id: string }) => i.id)).not.toContain(
      id,
    );
    const lee = account();
    const foreign = await svc.call('POST', `/api/v1/notifications/${p1.items[1].id}/read`, {
      token: await lee.token,
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'NOTIFICATION_NOT_FOUND']);
    expect((await history(lee.token)).items).toEqual([]);
  });

  it('answers defaults, refuses a malformed setting naming it, and needs a signed-in caller', async () => {
    const kim = account();
    const got = await svc.call('GET', '/api/v1/notifications/settings', { token: await kim.token });
    // Push and SMS per category; marketing (광고성 정보) is opt-in on every channel.
    const off = { orders: true, shipping: true, seller: true, marketing: false };
    expect(got.body).toEqual({
      channels: { email: true, inApp: true },
      categories: off,
      push: off,
      sms: off,
    });
    const bad = await svc.call('PUT', '/api/v1/notifications/settings', {
      token: await kim.token,
      body: {
        channels: { email: 'yes', inApp: true },
        categories: { orders: true, shipping: true, seller: true, marketing: false },
      },
    });
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'channels.email']);
    expect((await svc.call('GET', '/api/v1/notifications/settings')).status).toBe(401);
    expect((await svc.call('GET', '/api/v1/notifications')).status).toBe(401);
  });
});

describe('subscriptions', () => {
  it('subscribes to exactly the topics the catalog gives it, each with a template', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('notification')].sort(),
    );
  });

  it('drops a delivery whose payload breaks the contract', async () => {
    for (const topic of subscriptionsOf('notification')) {
      const res = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
      expect(res.body, topic).toEqual({ status: 'DROP' });
    }
  });
});
