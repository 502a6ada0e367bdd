import { type PaymentGateway, type PgBillingKey, PgError, type PgPayment } from './port.ts';
import { kindOf } from './toss-errors.ts';

export interface TossOptions {
  /** https://api.tosspayments.com, or the sandbox's base (…/sandbox/pg) locally. */
  baseUrl: string;
  /** test_sk_… or live_sk_…; sent as Basic auth with a trailing colon (no password). */
  secretKey: string;
  timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/**
 * A Toss Payments client for the PG port: `POST /v1/payments/confirm`, `POST
 * /v1/payments/{paymentKey}/cancel`, `GET /v1/payments/{paymentKey}`, `GET
 * /v1/payments/orders/{orderId}`; 자동결제: `POST /v1/billing/authorizations/issue`, `POST
 * /v1/billing/{billingKey}`, `DELETE /v1/billing/{billingKey}`. Basic auth of the secret key,
 * `Idempotency-Key` on the POSTs (Toss documents none for the DELETE).
 * A call that gets no answer within the timeout is a `no_answer` PgError: never a guess.
 */
export function tossPayments(o: TossOptions): PaymentGateway {
  const doFetch = o.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const authorization = `Basic ${Buffer.from(`${o.secretKey}:`).toString('base64')}`;

  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ) {
    const headers: Record<string, string> = { authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PgError(
              'no_answer',
              'NO_ANSWER',
              `the PG did not answer ${method} ${path} in ${o.timeoutMs} ms`,
            ),
          ),
        o.timeoutMs,
      );
    });
    let res: Response;
    try {
      res = await Promise.race([
        doFetch(`${o.baseUrl}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(o.timeoutMs),
        }),
        timeout,
      ]);
      const text = await Promise.race([res.text(), timeout]);
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (res.ok) return json;
      const code = typeof json.code === 'string' ? json.code : `HTTP_${res.status}`;
      throw new PgError(kindOf(code, res.status), code, String(json.message ?? res.statusText), res.status);
    } catch (err) {
      if (err instanceof PgError) throw err;
      throw new PgError(
        'no_answer',
        'NO_ANSWER',
        `no answer from the PG to ${method} ${path}: ${(err as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async confirm(input, idempotencyKey) {
      return (await call('POST', '/v1/payments/confirm', input, idempotencyKey)) as unknown as PgPayment;
    },
    async cancel(paymentKey, input, idempotencyKey) {
      return (await call(
        'POST',
        `/v1/payments/${encodeURIComponent(paymentKey)}/cancel`,
        input,
        idempotencyKey,
      )) as unknown as PgPayment;
    },
    async getPayment(paymentKey) {
      return (await call('GET', `/v1/payments/${encodeURIComponent(paymentKey)}`)) as unknown as PgPayment;
    },
    async findByOrderId(orderId) {
      try {
        return (await call(
          'GET',
          `/v1/payments/orders/${encodeURIComponent(orderId)}`,
        )) as unknown as PgPayment;
      } catch (err) {
        if (err instanceof PgError && err.kind === 'not_found') return undefined;
        throw err;
      }
    },
    async issueBillingKey(input, idempotencyKey) {
      return (await call(
        'POST',
        '/v1/billing/authorizations/issue',
        input,
        idempotencyKey,
      )) as unknown as PgBillingKey;
    },
    async chargeBillingKey(billingKey, input, idempotencyKey) {
      return (await call(
        'POST',
        `/v1/billing/${encodeURIComponent(billingKey)}`,
        input,
        idempotencyKey,
      )) as unknown as PgPayment;
    },
    async removeBillingKey(billingKey) {
      try {
        await call('DELETE', `/v1/billing/${encodeURIComponent(billingKey)}`);
      } catch (err) {
        if (err instanceof PgError && err.kind === 'not_found') return;
        throw err;
      }
    },
  };
}
