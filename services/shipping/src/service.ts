import {
  baseConfigSchema,
  envFlag,
  intervalWorker,
  type ServiceDefinition,
  type ServiceDeps,
  unavailable,
  z,
} from '@mp/platform';
import { CarrierError } from './carrier/port.ts';
import { sweetTracker } from './carrier/sweettracker.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import type { ShippingContext } from './domain/context.ts';
import { pollTracking } from './domain/tracking.ts';
import { handlers } from './events/handlers.ts';
import { shipmentRoutes } from './routes/shipments.ts';
import { CARRIER_SANDBOX_BASE, carrierSandbox } from './sandbox/routes.ts';

/** The API key the local carrier sandbox accepts. */
export const SANDBOX_TRACKER_KEY = 'sandbox-tracker-key';

const config = baseConfigSchema
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
type Config = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };
type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The shipping service; tests pass a `fetch` that reaches the carrier sandbox through the app itself. */
export function shippingService(o: { fetch?: Fetch } = {}): ServiceDefinition<Database, typeof config> & {
  context(deps: ServiceDeps<Database, Config>): ShippingContext;
} {
  const contexts = new WeakMap<object, ShippingContext>();
  const contextOf = (deps: ServiceDeps<Database, Config>): ShippingContext => {
    let ctx = contexts.get(deps.db);
    if (!ctx) {
      const c = deps.config;
      const client = sweetTracker({
        baseUrl:
          c.CARRIER_BASE_URL ??
          (c.LOCAL_DEV
            ? `http://127.0.0.1:${c.PORT}${CARRIER_SANDBOX_BASE}`
            : 'https://info.sweettracker.co.kr'),
        apiKey: c.CARRIER_API_KEY ?? SANDBOX_TRACKER_KEY,
        timeoutMs: c.CARRIER_TIMEOUT_MS,
        ...(o.fetch ? { fetch: o.fetch } : {}),
      });
      ctx = {
        db: deps.db,
        events: deps.events,
        log: deps.log,
        deliveryDays: c.DELIVERY_DAYS,
        carrier: {
          track: (carrier, number) =>
            client.track(carrier, number).catch((err) => {
              if (err instanceof CarrierError && err.code === 'CARRIER_UNAVAILABLE')
                throw unavailable('CARRIER_UNAVAILABLE', err.message);
              throw err;
            }),
        },
      };
      contexts.set(deps.db, ctx);
    }
    return ctx;
  };
  return {
    context: contextOf,
    name: 'shipping',
    description:
      '배송: shipments per seller, dispatch, carrier tracking, returns; the carrier sandbox locally',
    config,
    migrations,
    routes(app, deps) {
      shipmentRoutes(app, contextOf(deps));
      if (deps.config.LOCAL_DEV)
        carrierSandbox(app, deps.db as never, {
          apiKey: deps.config.CARRIER_API_KEY ?? SANDBOX_TRACKER_KEY,
          autoAdvance: deps.config.CARRIER_SANDBOX_AUTO_ADVANCE,
        });
    },
    handlers: (deps) => handlers(contextOf(deps)),
    workers: (deps) => [
      intervalWorker('tracking', deps.config.TRACKING_POLL_MS, deps.log, () =>
        pollTracking(contextOf(deps), { refreshAfterMs: Math.max(0, deps.config.TRACKING_POLL_MS - 50) }),
      ),
    ],
  };
}

export const service = shippingService();
