import { baseConfigSchema, envFlag, type ServiceConfig, z } from '@mp/platform';

/** The secret key the local sandbox accepts (it is no secret: the sandbox exists only in local profiles). */
export const SANDBOX_SECRET_KEY = 'test_sk_sandbox_marketplace_local';
/** Local profiles' key for saved payment methods when PAYMENT_METHOD_KEY is unset (no secret either). */
export const LOCAL_METHOD_KEY = Buffer.alloc(32, 'marketplace-local-payment-methods').toString('base64');

export const config = baseConfigSchema
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

export type PaymentConfig = ServiceConfig<typeof config>;
