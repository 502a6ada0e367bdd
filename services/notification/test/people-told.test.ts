import { randomUUID } from 'node:crypto';
import { subscriptionsOf } from '@mp/contracts';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../src/domain/dispatch.ts';
import {
  account,
  deliver,
  deliveriesOf,
  mobile,
  notificationForFile,
  pushesTo,
  registerDevice,
  textsTo,
} from './helpers.ts';

const svc = notificationForFile({ PUBLIC_BASE_URL: 'https://shop.example.kr' });

const run = () => dispatch(svc.dispatcher);
const mailsTo = (email: string) => svc.dapr.bindings.filter((b) => b.metadata.emailTo === email);
const now = () => new Date().toISOString();
/** A seller's account (the seller id is the user id) with a mobile number. */
const seller = () => {
  const phone = mobile();
  const a = account(svc, phone.written);
  return { ...a, phone, token: () => tokenFor(a.id, 'seller') };
};
const line = (sellerId: string, name: string, price: number, quantity = 1) => ({
  itemId: randomUUID(),
  productId: randomUUID(),
  sku: `SKU-${randomUUID().slice(0, 6)}`,
  sellerId,
  name,
  quantity,
  price,
  options: {},
});
const orderCreated = (userId: string, items: ReturnType<typeof line>[]) => ({
  orderId: randomUUID(),
  userId,
  sellerId: items[0]!.sellerId,
  sellerIds: [...new Set(items.map((i) => i.sellerId))],
  items,
  totalAmount: items.reduce((s, i) => s + i.price * i.quantity, 0),
  discountAmount: 0,
  shippingFee: 0,
  payableAmount: items.reduce((s, i) => s + i.price * i.quantity, 0),
  paymentMethod: 'card',
  paymentDueAt: now(),
  createdAt: now(),
  shippingAddress: { recipient: '김', phone: '010-1234-5678', address: '서울', zipCode: '06234' },
});

describe('sellers are told of their orders', () => {
  it('tells each seller of a new order with only their lines (email, in-app, 문자), and the buyer gets the receipt', async () => {
    const kim = account(svc);
    const [a, b] = [seller(), seller()];
    const data = orderCreated(kim.id, [
      line(a.id, '무선 이어폰', 59_000),
      line(a.id, '충전 케이블', 9_000, 2),
      line(b.id, '머그컵', 12_000),
    ]);
    const { event } = await deliver(svc, 'order.created', data);
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['주문이 접수되었습니다']);
    const [toA] = mailsTo(a.email);
    expect(toA!.metadata.subject).toBe('새 주문이 들어왔습니다');
    expect(String(toA!.data)).toContain('상품: 무선 이어폰 외 1건');
    expect(String(toA!.data)).toContain('주문 금액: 77,000원');
    expect(String(toA!.data)).toContain(`https://shop.example.kr/seller/orders/${data.orderId}`);
    expect(String(mailsTo(b.email)[0]!.data)).toContain('상품: 머그컵');
    expect(String(mailsTo(b.email)[0]!.data)).not.toContain('이어폰');

    // One 문자 per seller (SMS here: 알림톡 is not configured in this test), none for the receipt.
    const rows = await deliveriesOf(svc, event.eventId);
    expect(rows.map((r) => [r.template, r.channel, r.user_id]).sort()).toEqual(
      [
        ['seller-new-order', 'SMS', a.id],
        ['seller-new-order', 'SMS', b.id],
      ].sort(),
    );
    await run();
    expect(await textsTo(a.phone.e164)).toEqual([expect.stringMatching(/새 주문이 들어왔습니다/)]);
    const history = await svc.call('GET', '/api/v1/notifications', { token: await a.token() });
    expect(history.body.items[0]).toMatchObject({
      template: 'seller-new-order',
      category: 'seller',
      link: `https://shop.example.kr/seller/orders/${data.orderId}`,
    });

    // Redelivered: no one is told twice.
    await deliver(svc, 'order.created', {}, { event });
    await run();
    expect(mailsTo(a.email)).toHaveLength(1);
    expect(await textsTo(a.phone.e164)).toHaveLength(1);
  });

  it('tells each seller of a cancellation of their lines', async () => {
    const kim = account(svc);
    const a = seller();
    const orderId = randomUUID();
    await deliver(svc, 'order.cancelled', {
      orderId,
      userId: kim.id,
      reason: '고객 요청',
      cancelledAt: now(),
      previousStatus: 'PAID',
      items: [{ ...line(a.id, '무선 이어폰', 59_000), options: undefined }],
    });
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['주문이 취소되었습니다']);
    const [toA] = mailsTo(a.email);
    expect(toA!.metadata.subject).toBe('주문이 취소되었습니다');
    expect(String(toA!.data)).toContain('상품: 무선 이어폰');
    expect(String(toA!.data)).toContain('사유: 고객 요청');
  });

  it('does not mail again those already mailed when another recipient’s email fails and the event is retried', async () => {
    const kim = account(svc);
    const a = seller();
    svc.accounts.get(a.id)!.email = 'broken@example.kr';
    const data = orderCreated(kim.id, [line(a.id, '머그컵', 12_000)]);
    svc.failMailTo.add('broken@example.kr');
    const first = await deliver(svc, 'order.created', data);
    expect(first.status).toBe('RETRY');
    await deliver(svc, 'order.created', {}, { event: first.event });
    expect(mailsTo(kim.email)).toHaveLength(1);
    expect(mailsTo('broken@example.kr')).toHaveLength(1);
  });
});

describe('one refund message, the statement linked', () => {
  it('tells a refund once: order.refund.completed, not payment.refunded', async () => {
    expect(subscriptionsOf('notification')).not.toContain('payment.refunded');
    expect(subscriptionsOf('notification')).toContain('order.refund.completed');
    const kim = account(svc);
    await deliver(svc, 'order.refund.completed', {
      orderId: randomUUID(),
      userId: kim.id,
      refundRequestId: null,
      refundId: randomUUID(),
      amount: 12_000,
      items: [],
      completedAt: now(),
    });
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['환불이 완료되었습니다']);
  });

  it('links the statement (정산서) in the settlement message', async () => {
    const a = seller();
    const settlementId = randomUUID();
    await deliver(svc, 'settlement.completed', {
      settlementId,
      sellerId: a.id,
      periodStart: '2026-11-01T00:00:00+09:00',
      periodEnd: '2026-11-30T23:59:59+09:00',
      grossAmount: 100_000,
      commission: 10_800,
      couponBurden: 0,
      shippingFee: 0,
      refundAmount: 0,
      carriedOver: 0,
      netAmount: 89_200,
      completedAt: now(),
    });
    const link = `https://shop.example.kr/api/v1/settlements/${settlementId}/statement`;
    const [mail] = mailsTo(a.email);
    expect(String(mail!.data)).toContain(`href="${link}"`);
    expect(String(mail!.data)).toContain('정산서 보기');
    const history = await svc.call('GET', '/api/v1/notifications', { token: await a.token() });
    expect(history.body.items[0]).toMatchObject({ template: 'settlement-completed', link });
  });
});

describe('returns, held edits and payouts are told', () => {
  it('tells the buyer and the seller when the carrier could not collect a return', async () => {
    const kim = account(svc);
    const a = seller();
    const orderId = randomUUID();
    await deliver(svc, 'order.return.pickup_failed', {
      orderId,
      userId: kim.id,
      sellerId: a.id,
      refundRequestId: randomUUID(),
      reason: '회수 불가 지역입니다.',
      failedAt: now(),
    });
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual(['반품 상품 회수에 실패했습니다']);
    expect(String(mailsTo(kim.email)[0]!.data)).toContain('회수 불가 지역입니다.');
    const history = await svc.call('GET', '/api/v1/notifications', { token: await a.token() });
    expect(history.body.items[0]).toMatchObject({
      template: 'seller-return-pickup-failed',
      link: `https://shop.example.kr/seller/orders/${orderId}`,
    });
  });

  it("tells a seller its approved product's edit waits for review, then the verdict", async () => {
    const a = seller();
    const ids = { revisionId: randomUUID(), productId: randomUUID(), sellerId: a.id, name: '무선 이어폰' };
    await deliver(svc, 'product.revision.submitted', { ...ids, fields: ['price'], submittedAt: now() });
    await deliver(svc, 'product.revision.rejected', { ...ids, reason: '과장 광고 문구', rejectedAt: now() });
    await deliver(svc, 'product.revision.approved', { ...ids, approvedBy: randomUUID(), approvedAt: now() });
    expect(mailsTo(a.email).map((m) => m.metadata.subject)).toEqual([
      '상품 수정 내용이 심사 중입니다',
      '상품 수정이 반려되었습니다',
      '상품 수정이 승인되었습니다',
    ]);
    expect(String(mailsTo(a.email)[1]!.data)).toContain('과장 광고 문구');
  });

  it('tells a seller a payout the bank refused, with the reason', async () => {
    const a = seller();
    await deliver(svc, 'settlement.payout.failed', {
      payoutId: randomUUID(),
      settlementId: randomUUID(),
      sellerId: a.id,
      amount: 89_200,
      code: 'BANK_551',
      reason: '거래정지 계좌',
      failedAt: now(),
    });
    const [mail] = mailsTo(a.email);
    expect(mail!.metadata.subject).toBe('정산금 지급에 실패했습니다');
    expect(String(mail!.data)).toContain('89,200원');
    expect(String(mail!.data)).toContain('거래정지 계좌');
  });
});

describe('a published notice is pushed to its audience', () => {
  it('pushes once to each device of the role the notice names (all, buyers, sellers)', async () => {
    const kim = account(svc);
    const a = seller();
    const buyerDevice = await registerDevice(svc, kim);
    const sellerDevice = await registerDevice(svc, a);
    const notice = (audience?: 'ALL' | 'BUYERS' | 'SELLERS') => ({
      noticeId: randomUUID(),
      title: '설 연휴 배송 안내',
      adminId: randomUUID(),
      publishedAt: now(),
      body: '1월 28일부터 30일까지는 출고가 없습니다.',
      ...(audience ? { audience } : {}),
    });
    const toSellers = await deliver(svc, 'admin.notice.published', notice('SELLERS'));
    expect(toSellers.status).toBe('SUCCESS');
    await deliver(svc, 'admin.notice.published', {}, { event: toSellers.event });
    await run();
    const [pushed] = await pushesTo(svc, sellerDevice);
    expect(pushed!.message).toMatchObject({
      notification: { title: '[공지] 설 연휴 배송 안내', body: expect.stringContaining('출고가 없습니다') },
      data: {
        template: 'notice-published',
        link: expect.stringMatching(/^https:\/\/shop\.example\.kr\/notices\//),
      },
    });
    expect(await pushesTo(svc, buyerDevice)).toEqual([]);
    expect(mailsTo(a.email)).toEqual([]);

    const toAll = await deliver(svc, 'admin.notice.published', notice());
    await run();
    expect((await deliveriesOf(svc, toAll.event.eventId)).map((d) => d.user_id).sort()).toEqual(
      expect.arrayContaining([kim.id, a.id].sort()),
    );
    expect(await pushesTo(svc, buyerDevice)).toHaveLength(1);
    expect(await pushesTo(svc, sellerDevice)).toHaveLength(2);
  });
});
