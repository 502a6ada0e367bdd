import type { ServiceDeps } from '@mp/platform';
import { LOCAL_METHOD_KEY, type PaymentConfig, SANDBOX_SECRET_KEY } from './config.ts';
import type { Database } from './db/schema.ts';
import type { PaymentContext } from './domain/context.ts';
import { methodSecrets } from './domain/method-secrets.ts';
import { tossPayments } from './pg/toss.ts';

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** Where the local PG sandbox answers (services/payment/sandbox, mounted by local runs only). */
export const SANDBOX_BASE = '/sandbox/pg';

/** The service's context: the payment rules' parts and the config. */
export type PaymentServiceContext = PaymentContext & { config: PaymentConfig; autoApprove: boolean };

const self = (c: PaymentConfig) => `http://127.0.0.1:${c.PORT}`;
const pgBase = (c: PaymentConfig) => c.PG_BASE_URL ?? `${self(c)}${SANDBOX_BASE}`;

/** The payment rules' parts, from the config: the PG client, the method secrets, the sandbox's window locally. */
export function paymentContext(
  deps: ServiceDeps<Database, PaymentConfig>,
  doFetch: Fetch,
): PaymentServiceContext {
  const c = deps.config;
  const usesSandbox = Boolean(c.LOCAL_DEV) && pgBase(c).endsWith(SANDBOX_BASE);
  return {
    config: c,
    db: deps.db,
    events: deps.events,
    log: deps.log,
    pg: tossPayments({
      baseUrl: pgBase(c),
      secretKey: c.TOSS_SECRET_KEY ?? SANDBOX_SECRET_KEY,
      timeoutMs: c.PG_TIMEOUT_MS,
      fetch: doFetch,
    }),
    methods: methodSecrets(Buffer.from(c.PAYMENT_METHOD_KEY ?? LOCAL_METHOD_KEY, 'base64')),
    reconcileAfterMs: c.PAYMENT_RECONCILE_AFTER_MS,
    // Local profiles: the sandbox pays every new order by itself (flows run headless).
    autoApprove: usesSandbox && c.PG_SANDBOX_AUTO_APPROVE,
    ...(usesSandbox
      ? {
          window: async (input: { orderId: string; amount: number; orderName: string; method: string }) => {
            const res = await doFetch(`${pgBase(c)}/window/payments`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(input),
            });
            if (!res.ok) throw new Error(`the sandbox's payment window answered ${res.status}`);
            return (await res.json()) as { paymentKey: string };
          },
        }
      : {}),
  };
}
