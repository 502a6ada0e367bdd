import { randomUUID } from 'node:crypto';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../src/domain/dispatch.ts';
import {
  account,
  deliver,
  deliveriesOf,
  mobile,
  notificationForFile,
  paymentCompleted,
  pushesTo,
  registerDevice,
  textsTo,
} from './helpers.ts';

const svc = notificationForFile();

const admin = randomUUID();
const internal = { 'dapr-api-token': TEST_APP_TOKEN };
const put = (template: string, channel: string, body: object) =>
  svc.call('PUT', `/internal/templates/${template}/${channel}`, {
    body: { adminId: admin, ...body },
    headers: internal,
  });
const post = (path: string, body: object) =>
  svc.call('POST', `/internal/templates/${path}`, { body: { adminId: admin, ...body }, headers: internal });
const get = (template: string) => svc.call('GET', `/internal/templates/${template}`, { headers: internal });
const mailsTo = (email: string) => svc.dapr.bindings.filter((b) => b.metadata.emailTo === email);
const activeOf = (view: any, channel: string) =>
  view.channels.find((c: { channel: string }) => c.channel === channel).activeVersion;

describe('the templates operators may override', () => {
  it('lists each template with its variables and channels; SMS only for 문자-worthy ones, the reset mail by email alone', async () => {
    const res = await svc.call('GET', '/internal/templates', { headers: internal });
    expect(res.status).toBe(200);
    const byName = new Map(res.body.items.map((t: any) => [t.template, t]));
    const paid: any = byName.get('payment-completed');
    expect(paid.variables.map((v: any) => v.name)).toEqual(['orderId', 'amount']);
    expect(paid.variables[1].sample).toBe('45,000원');
    expect(paid.channels.map((c: any) => c.channel)).toEqual(['EMAIL', 'IN_APP', 'PUSH', 'SMS']);
    expect((byName.get('welcome') as any).channels.map((c: any) => c.channel)).toEqual([
      'EMAIL',
      'IN_APP',
      'PUSH',
    ]);
    const reset: any = byName.get('password-reset');
    expect(reset.channels).toEqual([expect.objectContaining({ channel: 'EMAIL', required: ['html:link'] })]);
  });

  it('answers 404 for an unknown template and refuses the internal routes without the app token', async () => {
    expect((await get('no-such-template')).status).toBe(404);
    expect((await get('no-such-template')).body.code).toBe('TEMPLATE_NOT_FOUND');
    const res = await svc.call('GET', '/internal/templates');
    expect(res.status).toBe(403);
  });
});

describe('saving a version: every problem is a 400 naming the part', () => {
  it('refuses a placeholder the template does not declare', async () => {
    const res = await put('order-cancelled', 'SMS', {
      text: '[마켓] {{orderId}} 취소, 쿠폰 {{couponCode}} 복구',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'text', message: expect.stringContaining('unknown placeholder {{couponCode}}') },
    ]);
  });

  it('refuses a missing part, a blank part and a part the channel does not have', async () => {
    const res = await put('order-cancelled', 'EMAIL', { html: '<p>{{orderId}}</p>', text: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['subject', 'text']);
    const twoLines = await put('order-cancelled', 'EMAIL', {
      subject: '주문\n취소',
      html: '<p>{{orderId}}</p>',
    });
    expect(twoLines.body.errors).toEqual([{ path: 'subject', message: 'must be a single line' }]);
    const blank = await put('order-cancelled', 'PUSH', { title: '  ', body: '주문 {{orderId}}' });
    expect(blank.body.errors).toEqual([{ path: 'title', message: 'required for PUSH' }]);
  });

  it('refuses an SMS beyond the LMS budget (2,000 EUC-KR bytes: 한글 2 bytes each)', async () => {
    const res = await put('order-cancelled', 'SMS', { text: `${'가'.repeat(995)} {{orderId}}` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      path: 'text',
      message: expect.stringMatching(/^2027 bytes .*2000/),
    });
    expect((await put('order-cancelled', 'SMS', { text: `${'가'.repeat(900)} {{orderId}}` })).status).toBe(
      200,
    );
  });

  it('refuses unescaped variables in email HTML, partials and broken tags', async () => {
    const raw = await put('order-cancelled', 'EMAIL', { subject: '취소', html: '<p>{{{reason}}}</p>' });
    expect(raw.body.errors[0]).toMatchObject({ path: 'html', message: expect.stringContaining('unescaped') });
    const partial = await put('order-cancelled', 'IN_APP', { title: '{{>header}}', body: 'x' });
    expect(partial.body.errors[0]).toMatchObject({
      path: 'title',
      message: expect.stringContaining('partials'),
    });
    const broken = await put('order-cancelled', 'IN_APP', { title: '주문 {{orderId', body: 'x' });
    expect(broken.body.errors[0]).toMatchObject({
      path: 'title',
      message: expect.stringContaining('not a valid template'),
    });
  });

  it('refuses a channel the template is not sent on, naming `channel`', async () => {
    const res = await put('welcome', 'SMS', { text: '환영합니다 {{name}}' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('channel');
  });
});

describe('versions, rollback and disabling', () => {
  it('numbers versions, rolls back to an earlier one, disables, and logs who did what', async () => {
    const v1 = await put('refund-completed', 'IN_APP', { title: '환불 v1', body: '{{amount}}' });
    expect(activeOf(v1.body, 'IN_APP')).toBe(1);
    const v2 = await put('refund-completed', 'IN_APP', { title: '환불 v2', body: '{{orderId}} {{amount}}' });
    expect(activeOf(v2.body, 'IN_APP')).toBe(2);
    const back = await post('refund-completed/IN_APP/rollback', { version: 1 });
    expect(back.status).toBe(200);
    expect(activeOf(back.body, 'IN_APP')).toBe(1);
    expect(back.body.versions.map((v: any) => [v.version, v.active, v.content.title])).toEqual([
      [2, false, '환불 v2'],
      [1, true, '환불 v1'],
    ]);
    expect((await post('refund-completed/IN_APP/rollback', { version: 9 })).status).toBe(404);
    const off = await post('refund-completed/IN_APP/disable', {});
    expect(activeOf(off.body, 'IN_APP')).toBeNull();
    await post('refund-completed/IN_APP/disable', {});
    const view = (await get('refund-completed')).body;
    expect(view.changes.map((c: any) => [c.action, c.version, c.changedBy])).toEqual([
      ['DISABLED', null, admin],
      ['ROLLED_BACK', 1, admin],
      ['PUBLISHED', 2, admin],
      ['PUBLISHED', 1, admin],
    ]);
  });

  it('refuses to roll back to a version that no longer fits the template (409 naming the part)', async () => {
    await put('refund-completed', 'PUSH', { title: '환불 {{amount}}', body: '{{orderId}}' });
    // A version saved when the template still declared a variable it has since dropped.
    await svc.deps.db
      .insertInto('template_versions')
      .values({
        template: 'refund-completed',
        channel: 'PUSH',
        version: 7,
        content: JSON.stringify({ title: '{{refundMethod}} 환불', body: 'x' }) as never,
        created_by: admin,
      })
      .execute();
    const res = await post('refund-completed/PUSH/rollback', { version: 7 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'TEMPLATE_VERSION_OUTDATED',
      errors: [{ path: 'title', message: expect.stringContaining('{{refundMethod}}') }],
    });
    expect(activeOf((await get('refund-completed')).body, 'PUSH')).toBe(1);
  });

  it('gives concurrent saves distinct, consecutive versions', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        put('payment-failed', 'PUSH', { title: `실패 ${i}`, body: '{{reason}}' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    const versions = (await get('payment-failed')).body.versions.map((v: any) => v.version);
    expect(versions).toEqual([6, 5, 4, 3, 2, 1]);
  });
});

describe('preview', () => {
  it('escapes values in email HTML and never in SMS; SMS answers its size and kind', async () => {
    const data = { reason: '<b>재고 & 품절</b>' };
    const email = await post('order-cancelled/preview', {
      channel: 'EMAIL',
      content: { subject: '취소: {{reason}}', html: '<p>사유: {{reason}}</p>' },
      data,
    });
    expect(email.status).toBe(200);
    expect(email.body.rendered.html).toContain('<p>사유: &lt;b&gt;재고 &amp; 품절&lt;&#x2F;b&gt;</p>');
    expect(email.body.rendered.html).toContain('이 메일은 발신 전용입니다');
    expect(email.body.rendered.subject).toBe('취소: <b>재고 & 품절</b>');
    const sms = await post('order-cancelled/preview', {
      channel: 'SMS',
      content: { text: '[마켓] 주문 취소: {{reason}}' },
      data,
    });
    expect(sms.body.rendered).toEqual({
      text: '[마켓] 주문 취소: <b>재고 & 품절</b>',
      bytes: 36,
      kind: 'SMS',
    });
    const long = await post('order-cancelled/preview', {
      channel: 'SMS',
      content: {
        text: '주문 {{orderId}}이(가) 고객 요청으로 취소되었습니다. 결제 금액은 3영업일 안에 환불됩니다.',
      },
    });
    expect(long.body.rendered.kind).toBe('LMS');
  });

  it('previews the active version with the samples, and refuses undeclared data', async () => {
    await put('settlement-paid', 'PUSH', { title: '정산금 {{amount}} 지급', body: '확인해 주세요' });
    const res = await post('settlement-paid/preview', { channel: 'PUSH' });
    expect(res.body).toMatchObject({
      version: 1,
      rendered: { title: '정산금 45,000원 지급', body: '확인해 주세요' },
    });
    const bad = await post('settlement-paid/preview', { channel: 'PUSH', data: { bank: '국민' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'data.bank', message: expect.any(String) }]);
    expect((await post('settlement-completed/preview', { channel: 'PUSH' })).status).toBe(404);
  });
});

describe('delivery uses the active override', () => {
  it('emails, records, pushes and texts a paid order with the operator’s wording', async () => {
    for (const [channel, body] of [
      ['EMAIL', { subject: '[결제완료] {{amount}}', html: '<h1>결제 완료</h1><p>주문 {{orderId}}</p>' }],
      ['IN_APP', { title: '결제 완료 ({{amount}})', body: '주문번호 {{orderId}}' }],
      ['PUSH', { title: '💳 {{amount}} 결제', body: '주문 {{orderId}}를 준비합니다' }],
      ['SMS', { text: '[마켓플레이스] {{amount}} 결제 완료. 주문 {{orderId}}' }],
    ] as const)
      expect((await put('payment-completed', channel, body)).status).toBe(200);
    const phone = mobile();
    const kim = account(svc, phone.written);
    const device = await registerDevice(svc, kim);
    const data = paymentCompleted(kim.id);
    const { event } = await deliver(svc, 'payment.completed', data);

    const [mail] = mailsTo(kim.email);
    expect(mail!.metadata.subject).toBe('[결제완료] 45,000원');
    expect(mail!.data).toContain(`<h1>결제 완료</h1><p>주문 ${data.orderId}</p>`);
    const [entry] = (await svc.call('GET', '/api/v1/notifications', { token: await kim.token() })).body.items;
    expect(entry).toMatchObject({ title: '결제 완료 (45,000원)', body: `주문번호 ${data.orderId}` });

    // A change after the event was handled leaves the queued push and text as they were composed.
    await put('payment-completed', 'SMS', { text: '바뀐 문구 {{orderId}}' });
    expect(await dispatch(svc.dispatcher)).toBe(2);
    const [pushed] = await pushesTo(svc, device);
    expect(pushed!.message.notification).toEqual({
      title: '💳 45,000원 결제',
      body: `주문 ${data.orderId}를 준비합니다`,
    });
    expect(await textsTo(phone.e164)).toEqual([`[마켓플레이스] 45,000원 결제 완료. 주문 ${data.orderId}`]);
    expect((await deliveriesOf(svc, event.eventId)).map((d) => d.status)).toEqual(['SENT', 'SENT']);

    // Disabled: the next payment goes out in the code's wording again.
    for (const channel of ['EMAIL', 'IN_APP', 'PUSH', 'SMS'])
      await post(`payment-completed/${channel}/disable`, {});
    await deliver(svc, 'payment.completed', paymentCompleted(kim.id));
    await dispatch(svc.dispatcher);
    expect(mailsTo(kim.email).map((m) => m.metadata.subject)).toEqual([
      '[결제완료] 45,000원',
      '결제가 완료되었습니다',
    ]);
    expect((await textsTo(phone.e164))[1]).toMatch(/^\[마켓플레이스\] 결제가 완료되었습니다\n주문번호 /);
  });

  it('escapes event values in an overridden email body, keeps the subject one line, and texts them as they are', async () => {
    await put('order-cancelled', 'EMAIL', {
      subject: '주문 취소: {{reason}}',
      html: '<p>사유: {{reason}}</p>',
    });
    await put('order-cancelled', 'SMS', { text: '[마켓플레이스] 취소 사유: {{reason}}' });
    const phone = mobile();
    const kim = account(svc, phone.written);
    const reason = '<img src=x onerror=alert(1)> & 기타\n재주문 바람';
    await deliver(svc, 'order.cancelled', {
      orderId: randomUUID(),
      userId: kim.id,
      reason,
      cancelledAt: new Date().toISOString(),
      previousStatus: 'PAID',
    });
    const [mail] = mailsTo(kim.email);
    expect(mail!.data).toContain(
      '<p>사유: &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; 기타\n재주문 바람</p>',
    );
    expect(mail!.data).not.toContain('<img');
    // One header line: the reason's line break becomes a space.
    expect(mail!.metadata.subject).toBe('주문 취소: <img src=x onerror=alert(1)> & 기타 재주문 바람');
    await dispatch(svc.dispatcher);
    expect(await textsTo(phone.e164)).toEqual([`[마켓플레이스] 취소 사유: ${reason}`]);
  });
});

describe('security mail (password reset)', () => {
  it('cannot be overridden except by email, and its email must keep {{link}}', async () => {
    const inApp = await put('password-reset', 'IN_APP', { title: '재설정', body: '{{link}}' });
    expect(inApp.status).toBe(400);
    expect(inApp.body.errors[0]).toMatchObject({
      path: 'channel',
      message: expect.stringContaining('security'),
    });
    const noLink = await put('password-reset', 'EMAIL', {
      subject: '재설정',
      html: '<p>{{expiresAt}}까지</p>',
    });
    expect(noLink.status).toBe(400);
    expect(noLink.body.errors).toEqual([
      { path: 'html', message: expect.stringContaining('must use {{link}}') },
    ]);
  });

  it('mails an overridden reset with its secret link and keeps the link out of the history', async () => {
    const ok = await put('password-reset', 'EMAIL', {
      subject: '[마켓] 비밀번호 재설정',
      html: '<p>{{expiresAt}}까지 <a href="{{link}}">재설정하기</a></p>',
    });
    expect(ok.status).toBe(200);
    const kim = account(svc);
    const resetId = `r-${randomUUID()}`;
    const token = `token-of-${resetId}`;
    await deliver(svc, 'auth.password.reset', {
      userId: kim.id,
      email: kim.email,
      phase: 'requested',
      resetId,
      expiresAt: new Date().toISOString(),
      at: new Date().toISOString(),
    });
    const [mail] = mailsTo(kim.email);
    expect(mail!.metadata.subject).toBe('[마켓] 비밀번호 재설정');
    expect(mail!.data).toContain(
      `href="http:&#x2F;&#x2F;localhost:8080&#x2F;reset-password?token&#x3D;${token}"`,
    );
    const history = (await svc.call('GET', '/api/v1/notifications', { token: await kim.token() })).body;
    expect(JSON.stringify(history)).not.toContain(token);
  });
});
