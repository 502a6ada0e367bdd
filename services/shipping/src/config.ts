import { baseConfigSchema, envFlag, type ServiceConfig, z } from '@mp/platform';

/** The API key the local carrier sandbox accepts. */
export const SANDBOX_TRACKER_KEY = 'sandbox-tracker-key';

export const config = baseConfigSchema
  .extend({
    /** The tracking API's key (스마트택배 t_key); from a secret on a cluster. */
    CARRIER_API_KEY: z.string().min(8).optional(),
    /** The tracking API; locally the sandbox in this service (…/sandbox/carrier) when unset. */
    CARRIER_BASE_URL: z.url().optional(),
    CARRIER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
    /** How often parcels on their way are asked about. */
    TRACKING_POLL_MS: z.coerce.number().int().min(100).default(600_000),
    /** Local profiles: every tracking query moves the sandbox's parcel one step (deliveries finish by themselves). */
    CARRIER_SANDBOX_AUTO_ADVANCE: envFlag.default(false),
    DELIVERY_DAYS: z.coerce.number().int().min(1).max(30).default(2),
    /** How often returns waiting for their pickup (반품 회수) are booked with the carrier. */
    RETURN_PICKUP_POLL_MS: z.coerce.number().int().min(50).default(2_000),
  })
  .superRefine((c, ctx) => {
    if (!c.LOCAL_DEV && !c.CARRIER_API_KEY)
      ctx.addIssue({ code: 'custom', path: ['CARRIER_API_KEY'], message: 'required outside local profiles' });
    if (!c.LOCAL_DEV && c.CARRIER_SANDBOX_AUTO_ADVANCE)
      ctx.addIssue({
        code: 'custom',
        path: ['CARRIER_SANDBOX_AUTO_ADVANCE'],
        message: 'only with LOCAL_DEV',
      });
  });

export type ShippingConfig = ServiceConfig<typeof config>;

/** Where the local carrier sandbox answers (services/shipping/sandbox, mounted by local runs only). */
export const CARRIER_SANDBOX_BASE = '/sandbox/carrier';
