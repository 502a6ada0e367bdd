import { baseConfigSchema, envFlag, type ServiceDefinition, type ServiceDeps, z } from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import type { PaymentContext } from './domain/context.ts';
import { jobRunner } from './domain/runner.ts';
import { handlers } from './events/handlers.ts';
import { methodSecrets } from './methods/secrets.ts';
import { tossPayments } from './pg/toss.ts';
import { methodRoutes } from './routes/methods.ts';
import { paymentRoutes } from './routes/payments.ts';
import { refundInternalRoutes } from './routes/refunds-internal.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { SANDBOX_BASE, sandboxRoutes } from './sandbox/routes.ts';

/** The secret key the local sandbox accepts (it is no secret: the sandbox exists only in local profiles). */
export const SANDBOX_SECRET_KEY = 'test_sk_sandbox_marketplace_local';
/** Local profiles' key for saved payment methods when PAYMENT_METHOD_KEY is unset (no secret either). */
export const LOCAL_METHOD_KEY = Buffer.alloc(32, 'marketplace-local-payment-methods').toString('base64');

const config = baseConfigSchema
  .extend({
    /** Toss Payments secret key (test_sk_… / live_sk_…); from a secret on a cluster. */
    TOSS_SECRET_KEY: z
      .string()
      .regex(/^(test|live)_sk_\w+$/, 'a Toss secret key (test_sk_… or live_sk_…)')
      .optional(),
    /** Toss's API; locally the sandbox in this service (…/sandbox/pg) when unset. */
    PG_BASE_URL: z.url().optional(),
    /** 32 bytes, base64: seals saved cards' billing keys, derives Toss customerKeys; from a secret on a cluster. */
    PAYMENT_METHOD_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
    PG_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(10_000),
    /** Local profiles: the sandbox pays every new order by itself (flows run headless). */
    PG_SANDBOX_AUTO_APPROVE: envFlag.default(false),
    /** How long the sandbox's late_answer / late_processing scenarios keep a caller waiting. */
    PG_SANDBOX_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
    /** Where the sandbox sends its webhooks; this service's webhook route when unset. */
    PG_SANDBOX_WEBHOOK_URL: z.url().optional(),
    PAYMENT_JOBS_POLL_MS: z.coerce.number().int().min(50).default(5_000),
    /** A confirmation the PG has not settled is asked about again after this long. */
    PAYMENT_RECONCILE_AFTER_MS: z.coerce.number().int().min(100).default(30_000),
  })
  .superRefine((c, ctx) => {
    if (!c.LOCAL_DEV && !c.TOSS_SECRET_KEY)
      ctx.addIssue({ code: 'custom', path: ['TOSS_SECRET_KEY'], message: 'required outside local profiles' });
    if (!c.LOCAL_DEV && !c.PAYMENT_METHOD_KEY)
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_METHOD_KEY'],
        message: 'required outside local profiles',
      });
    if (!c.LOCAL_DEV && c.PG_SANDBOX_AUTO_APPROVE)
      ctx.addIssue({ code: 'custom', path: ['PG_SANDBOX_AUTO_APPROVE'], message: 'only with LOCAL_DEV' });
  });
type Config = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };
type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The payment service; tests pass a `fetch` that reaches the sandbox through the app itself. */
export function paymentService(o: { fetch?: Fetch } = {}): ServiceDefinition<Database, typeof config> & {
  context(deps: ServiceDeps<Database, Config>): PaymentContext;
} {
  const doFetch: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  const contexts = new WeakMap<object, PaymentContext>();
  const self = (c: Config) => `http://127.0.0.1:${c.PORT}`;
  const pgBase = (c: Config) => c.PG_BASE_URL ?? `${self(c)}${SANDBOX_BASE}`;
  const usesSandbox = (c: Config) => Boolean(c.LOCAL_DEV) && pgBase(c).endsWith(SANDBOX_BASE);

  const contextOf = (deps: ServiceDeps<Database, Config>): PaymentContext => {
    let ctx = contexts.get(deps.db);
    if (!ctx) {
      const c = deps.config;
      ctx = {
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
        ...(usesSandbox(c)
          ? {
              window: async (input: {
                orderId: string;
                amount: number;
                orderName: string;
                method: string;
              }) => {
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
      contexts.set(deps.db, ctx);
    }
    return ctx;
  };

  return {
    context: contextOf,
    name: 'payment',
    description: '결제: payments through the PG (Toss Payments), refunds, webhooks; the PG sandbox locally',
    config,
    migrations,
    routes(app, deps) {
      const ctx = contextOf(deps);
      // Before paymentRoutes: /api/v1/payments/methods is no payment id.
      methodRoutes(app, ctx);
      paymentRoutes(app, ctx);
      webhookRoutes(app, ctx);
      refundInternalRoutes(app, ctx);
      if (deps.config.LOCAL_DEV)
        sandboxRoutes(app, deps.db as never, {
          secretKey: deps.config.TOSS_SECRET_KEY ?? SANDBOX_SECRET_KEY,
          delayMs: deps.config.PG_SANDBOX_DELAY_MS,
          webhookUrl:
            deps.config.PG_SANDBOX_WEBHOOK_URL ?? `${self(deps.config)}/api/v1/payments/webhooks/toss`,
          fetch: doFetch,
        });
    },
    handlers: (deps) =>
      handlers(contextOf(deps), usesSandbox(deps.config) && deps.config.PG_SANDBOX_AUTO_APPROVE),
    workers: (deps) => [
      jobRunner(contextOf(deps), {
        databaseUrl: deps.config.DATABASE_URL,
        schema: deps.config.DB_SCHEMA,
        pollMs: deps.config.PAYMENT_JOBS_POLL_MS,
        log: deps.log,
      }),
    ],
  };
}

export const service = paymentService();
