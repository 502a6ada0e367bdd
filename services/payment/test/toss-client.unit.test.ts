import { describe, expect, it } from 'vitest';
import { PgError } from '../src/pg/port.ts';
import { tossPayments } from '../src/pg/toss.ts';
import { declineCode, kindOf } from '../src/pg/toss-errors.ts';

function recording(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const client = tossPayments({
    baseUrl: 'https://api.tosspayments.com',
    secretKey: 'test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R',
    timeoutMs: 100,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return respond(url, init);
    },
  });
  return { client, calls };
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the Toss Payments client', () => {
  it('confirms with Basic auth of the secret key and a trailing colon, and the Idempotency-Key', async () => {
    const { client, calls } = recording(() =>
      json(200, {
        paymentKey: 'pk',
        orderId: 'order-1',
        status: 'DONE',
        totalAmount: 1000,
        balanceAmount: 1000,
      }),
    );
    const p = await client.confirm({ paymentKey: 'pk', orderId: 'order-1', amount: 1000 }, 'confirm-1');
    expect(p.status).toBe('DONE');
    const { url, init } = calls[0]!;
    expect(url).toBe('https://api.tosspayments.com/v1/payments/confirm');
    const headers = init.headers as Record<string, string>;
    expect(Buffer.from(headers.authorization!.replace('Basic ', ''), 'base64').toString()).toBe(
      'test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R:',
    );
    expect(headers['idempotency-key']).toBe('confirm-1');
    expect(JSON.parse(String(init.body))).toEqual({ paymentKey: 'pk', orderId: 'order-1', amount: 1000 });
  });

  it('cancels part of a payment with cancelReason and cancelAmount', async () => {
    const { client, calls } = recording(() =>
      json(200, { paymentKey: 'pk', status: 'PARTIAL_CANCELED', totalAmount: 1000, balanceAmount: 600 }),
    );
    await client.cancel('pk', { cancelReason: '부분 환불', cancelAmount: 400 }, 'refund-1');
    expect(calls[0]!.url).toBe('https://api.tosspayments.com/v1/payments/pk/cancel');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ cancelReason: '부분 환불', cancelAmount: 400 });
  });

  it("maps Toss's error codes to what they mean", async () => {
    const { client } = recording(() =>
      json(403, { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족' }),
    );
    const err = await client.confirm({ paymentKey: 'pk', orderId: 'o', amount: 1 }, 'k').catch((e) => e);
    expect(err).toBeInstanceOf(PgError);
    expect([err.kind, err.code, err.status]).toEqual(['refused', 'REJECT_CARD_PAYMENT', 403]);
    expect(kindOf('ALREADY_PROCESSED_PAYMENT', 400)).toBe('already');
    expect(kindOf('PROVIDER_ERROR', 400)).toBe('retryable');
    expect(kindOf('NOT_FOUND_PAYMENT_SESSION', 404)).toBe('not_found');
    expect(kindOf('UNAUTHORIZED_KEY', 401)).toBe('config');
    expect(kindOf('SOMETHING_NEW', 503)).toBe('retryable');
    expect(declineCode('REJECT_CARD_PAYMENT')).toBe('PAYMENT_DECLINED');
    expect(declineCode('EXCEED_MAX_DAILY_PAYMENT_COUNT')).toBe('PAYMENT_LIMIT_EXCEEDED');
  });

  it('reports no answer, never a guess, when the PG is silent past the timeout', async () => {
    const { client } = recording(() => new Promise<Response>(() => {}));
    const err = await client.confirm({ paymentKey: 'pk', orderId: 'o', amount: 1 }, 'k').catch((e) => e);
    expect([err.kind, err.code]).toEqual(['no_answer', 'NO_ANSWER']);
  });

  it('answers undefined for an order the PG does not know', async () => {
    const { client, calls } = recording(() =>
      json(404, { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' }),
    );
    expect(await client.findByOrderId('order-9')).toBeUndefined();
    expect(calls[0]!.url).toBe('https://api.tosspayments.com/v1/payments/orders/order-9');
  });
});

describe('the Toss Payments client: 자동결제 (billing)', () => {
  it('issues a billing key from the authKey and customerKey, with an Idempotency-Key', async () => {
    const { client, calls } = recording(() =>
      json(200, {
        mId: 'tvivarepublica',
        customerKey: 'mp_customer',
        authenticatedAt: '2026-11-25T10:00:00+09:00',
        method: '카드',
        billingKey: 'Z_t5vOvQxrj4499PeiJcjen28-V2RyqgYTwN44Rdzk0=',
        card: {
          issuerCode: '61',
          acquirerCode: '31',
          number: '43301234****123*',
          cardType: '신용',
          ownerType: '개인',
        },
      }),
    );
    const billing = await client.issueBillingKey(
      { authKey: 'bln_abc', customerKey: 'mp_customer' },
      'billing-auth-1',
    );
    expect(billing).toMatchObject({
      billingKey: 'Z_t5vOvQxrj4499PeiJcjen28-V2RyqgYTwN44Rdzk0=',
      card: { issuerCode: '61' },
    });
    const { url, init } = calls[0]!;
    expect([url, init.method]).toEqual([
      'https://api.tosspayments.com/v1/billing/authorizations/issue',
      'POST',
    ]);
    expect((init.headers as Record<string, string>)['idempotency-key']).toBe('billing-auth-1');
    expect(JSON.parse(String(init.body))).toEqual({ authKey: 'bln_abc', customerKey: 'mp_customer' });
  });

  it('charges a billing key at /v1/billing/{billingKey} (path-encoded) with Basic auth and the Idempotency-Key', async () => {
    const { client, calls } = recording(() =>
      json(200, {
        paymentKey: 'pk',
        orderId: 'order-1',
        type: 'BILLING',
        status: 'DONE',
        totalAmount: 9900,
        balanceAmount: 9900,
      }),
    );
    const p = await client.chargeBillingKey(
      'Z_t5vOvQ/x=',
      { customerKey: 'mp_customer', amount: 9900, orderId: 'order-1', orderName: '운동화' },
      'billing-p1-1',
    );
    expect(p.status).toBe('DONE');
    const { url, init } = calls[0]!;
    expect(url).toBe('https://api.tosspayments.com/v1/billing/Z_t5vOvQ%2Fx%3D');
    const headers = init.headers as Record<string, string>;
    expect(Buffer.from(headers.authorization!.replace('Basic ', ''), 'base64').toString()).toBe(
      'test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R:',
    );
    expect(headers['idempotency-key']).toBe('billing-p1-1');
    expect(JSON.parse(String(init.body))).toEqual({
      customerKey: 'mp_customer',
      amount: 9900,
      orderId: 'order-1',
      orderName: '운동화',
    });
  });

  it('maps billing refusals: a card the issuer declines is refused; a key the PG does not know is not_found', async () => {
    const declined = recording(() =>
      json(403, { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족' }),
    );
    const input = { customerKey: 'c', amount: 1000, orderId: 'order-1', orderName: 'x' };
    const a = await declined.client.chargeBillingKey('bk', input, 'k').catch((e) => e);
    expect([a.kind, a.code]).toEqual(['refused', 'REJECT_CARD_PAYMENT']);
    const mismatched = recording(() =>
      json(403, { code: 'NOT_MATCHES_CUSTOMER_KEY', message: '고객키 불일치' }),
    );
    const b = await mismatched.client.chargeBillingKey('bk', input, 'k').catch((e) => e);
    expect([b.kind, b.code]).toEqual(['not_found', 'NOT_MATCHES_CUSTOMER_KEY']);
    expect(kindOf('INVALID_BILL_KEY_REQUEST', 400)).toBe('not_found');
    expect(kindOf('DUPLICATED_ORDER_ID', 400)).toBe('already');
  });

  it('deletes a billing key with DELETE and no Idempotency-Key; an unknown key counts as deleted', async () => {
    const ok = recording(() => new Response(null, { status: 200 }));
    await ok.client.removeBillingKey('bk-1');
    expect([ok.calls[0]!.url, ok.calls[0]!.init.method]).toEqual([
      'https://api.tosspayments.com/v1/billing/bk-1',
      'DELETE',
    ]);
    expect((ok.calls[0]!.init.headers as Record<string, string>)['idempotency-key']).toBeUndefined();
    const gone = recording(() => json(404, { code: 'NOT_FOUND_BILLING', message: '존재하지 않는 빌링키' }));
    await expect(gone.client.removeBillingKey('bk-2')).resolves.toBeUndefined();
    const down = recording(() =>
      json(500, { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: '내부 오류' }),
    );
    const err = await down.client.removeBillingKey('bk-3').catch((e) => e);
    expect([err.kind, err.code]).toEqual(['retryable', 'FAILED_INTERNAL_SYSTEM_PROCESSING']);
  });
});
