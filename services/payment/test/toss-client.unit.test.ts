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
