import { parseConfig } from '@mp/platform';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { sandboxKakaoAccount } from '../src/config.ts';
import { dispatch } from '../src/domain/dispatch.ts';
import { KakaoError, kakaoClient } from '../src/kakao/bizmessage.ts';
import { service } from '../src/service.ts';
import {
  account,
  deliver,
  deliveriesOf,
  dueNow,
  mobile,
  notificationForFile,
  paymentCompleted,
  textsTo,
} from './helpers.ts';

const KAKAO = 'http://notification.test/sandbox/kakao';
const svc = notificationForFile({ KAKAO_SANDBOX: 'true', KAKAO_BASE_URL: KAKAO, DELIVERY_MAX_ATTEMPTS: '2' });

const run = () => dispatch(svc.dispatcher);
/** What the Kakao sandbox received for a number (E.164), newest first. */
const talksTo = async (e164: string) =>
  (
    (await (await svc.app.request(`${KAKAO}/messages?phone=${encodeURIComponent(e164)}`)).json()) as {
      items: { templateCode: string; message: string; code: string; cid: string }[];
    }
  ).items;
/** A Korean mobile number whose four digits after 010 are `block` (the sandbox's triggers). */
const numberWith = (block: string) => {
  const m = mobile();
  const last = m.e164.slice(-4);
  return { written: `010-${block}-${last}`, e164: `+8210${block}${last}` };
};
const statuses = async (eventId: string) =>
  (await deliveriesOf(svc, eventId)).map((d) => [d.channel, d.status, d.reason?.slice(0, 16) ?? null]);
const setOrder = (value: unknown, version: number) =>
  svc.call('PUT', '/internal/configs/notification.textChannels', {
    body: { value, version },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });

describe('카카오 알림톡 with SMS fallback', () => {
  it('sends a paid order’s 문자 as a 알림톡 of its approved template, and no SMS', async () => {
    const phone = mobile();
    const kim = account(svc, phone.written);
    const { event } = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    expect(await statuses(event.eventId)).toEqual([['ALIMTALK', 'PENDING', null]]);
    await run();
    expect(await statuses(event.eventId)).toEqual([['ALIMTALK', 'SENT', null]]);
    const [talk] = await talksTo(phone.e164);
    expect(talk).toMatchObject({ templateCode: 'MP_PAYMENT_DONE_01', code: 'API_200' });
    expect(talk!.message).toMatch(
      /^\[마켓플레이스\] 결제가 완료되었습니다\.\n\n주문번호: .+\n결제 금액: 45,000원$/,
    );
    expect(await textsTo(phone.e164)).toEqual([]);
    const sent = (await svc.outbox('notification.sent')).filter(
      (e) => e.data.sourceEventId === event.eventId,
    );
    expect(sent.map((e) => e.data.channel).sort()).toEqual(['ALIMTALK', 'EMAIL']);
  });

  it('falls back to SMS when the number has no KakaoTalk (K101): one 문자, notification.failed for the 알림톡', async () => {
    const phone = numberWith('0012');
    const lee = account(svc, phone.written);
    const { event } = await deliver(svc, 'payment.completed', paymentCompleted(lee.id));
    await run(); // the 알림톡, refused
    await run(); // the SMS it fell back to (the worker is woken by the fallback's commit)
    expect(await statuses(event.eventId)).toEqual([
      ['ALIMTALK', 'FAILED', 'Kakao 400 K101: '],
      ['SMS', 'SENT', null],
    ]);
    expect((await talksTo(phone.e164)).map((t) => t.code)).toEqual(['K101']);
    const texts = await textsTo(phone.e164);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^\[마켓플레이스\] 결제가 완료되었습니다/);
    const failed = (await svc.outbox('notification.failed')).filter(
      (e) => e.data.sourceEventId === event.eventId,
    );
    expect(failed.map((e) => e.data.channel)).toEqual(['ALIMTALK']);
    // Dispatched again (a redelivery, another replica): nothing more goes out.
    await deliver(svc, 'payment.completed', {}, { event });
    await run();
    expect(await textsTo(phone.e164)).toHaveLength(1);
    const [entry] = (await svc.call('GET', '/api/v1/notifications', { token: await lee.token() })).body.items;
    expect(
      entry.deliveries.map((d: { channel: string; status: string }) => [d.channel, d.status]).sort(),
    ).toEqual([
      ['ALIMTALK', 'FAILED'],
      ['EMAIL', 'SENT'],
      ['SMS', 'SENT'],
    ]);
  });

  it('retries a Kakao that is down, then falls back to SMS when the attempts run out', async () => {
    const down = numberWith('0901');
    const park = account(svc, down.written);
    const { event } = await deliver(svc, 'payment.completed', paymentCompleted(park.id));
    await run();
    expect(await statuses(event.eventId)).toEqual([['ALIMTALK', 'PENDING', 'Kakao 503 API_50']]);
    await dueNow(svc);
    await run();
    await run();
    expect(await statuses(event.eventId)).toEqual([
      ['ALIMTALK', 'FAILED', 'Kakao 503 API_50'],
      ['SMS', 'SENT', null],
    ]);
    expect(await textsTo(down.e164)).toHaveLength(1);

    const flaky = numberWith('0902');
    const choi = account(svc, flaky.written);
    const second = await deliver(svc, 'payment.completed', paymentCompleted(choi.id));
    await run();
    await dueNow(svc);
    await run();
    expect(await statuses(second.event.eventId)).toEqual([['ALIMTALK', 'SENT', null]]);
    expect((await talksTo(flaky.e164)).map((t) => t.code)).toEqual(['API_200', 'API_503']);
    expect(await textsTo(flaky.e164)).toEqual([]);
  });

  it('follows the channel order the setting gives per message', async () => {
    expect(
      (await setOrder({ default: ['ALIMTALK', 'SMS'], byTemplate: { 'payment-completed': ['SMS'] } }, 1))
        .status,
    ).toBe(200);
    const phone = mobile();
    const kim = account(svc, phone.written);
    const paid = await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    await run();
    expect(await statuses(paid.event.eventId)).toEqual([['SMS', 'SENT', null]]);
    expect(await talksTo(phone.e164)).toEqual([]);
    // Another message keeps the default order.
    const cancelled = await deliver(svc, 'order.cancelled', {
      orderId: crypto.randomUUID(),
      userId: kim.id,
      reason: '고객 요청',
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PAID',
    });
    await run();
    expect((await statuses(cancelled.event.eventId)).map((s) => s[0])).toEqual(['ALIMTALK']);

    const bad = await setOrder({ default: ['SMS', 'SMS'] }, 2);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('value.default');
    expect((await setOrder({ default: ['ALIMTALK', 'SMS'], byTemplate: {} }, 3)).status).toBe(200);
  });

  it('the sandbox refuses what Kakao refuses: a message off its template (K105), an unknown template (K104), a wrong client', async () => {
    const client = (o: Partial<typeof sandboxKakaoAccount> = {}) =>
      kakaoClient({
        ...sandboxKakaoAccount,
        ...o,
        baseUrl: KAKAO,
        timeoutMs: 2000,
        fetch: (url, init) => Promise.resolve(svc.app.request(url, init)),
      });
    const phone_number = mobile().e164.slice(1);
    const send = (c: ReturnType<typeof client>, template_code: string, message: string) =>
      c.send({ cid: crypto.randomUUID(), template_code, phone_number, message }).catch((e: KakaoError) => e);
    const off = await send(client(), 'MP_PAYMENT_DONE_01', '[마켓플레이스] 지금 할인 중!');
    expect(off).toMatchObject({ kind: 'fallback', code: 'K105' });
    expect(await send(client(), 'NO_SUCH', 'x')).toMatchObject({ kind: 'fallback', code: 'K104' });
    expect(await send(client({ clientSecret: 'wrong' }), 'MP_PAYMENT_DONE_01', 'x')).toBeInstanceOf(
      KakaoError,
    );
    expect(
      await send(
        client(),
        'MP_PAYMENT_DONE_01',
        '[마켓플레이스] 결제가 완료되었습니다.\n\n주문번호: A-1\n결제 금액: 1,000원',
      ),
    ).toMatch(/^\d+/);
  });

  it('serves the sandbox only in local profiles', () => {
    const env = { DATABASE_URL: 'postgres://x@localhost/x', DAPR_API_TOKEN: 'x', APP_API_TOKEN: 'x' };
    expect(() => parseConfig('notification', service.config!, { ...env, KAKAO_SANDBOX: 'true' })).toThrow(
      /KAKAO_SANDBOX/,
    );
  });
});
