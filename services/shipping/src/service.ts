import { intervalWorker, type LocalMount, type ServiceDefinition, unavailable } from '@mp/platform';
import { CarrierError } from './carrier/port.ts';
import { sweetTracker } from './carrier/sweettracker.ts';
import { CARRIER_SANDBOX_BASE, config, SANDBOX_TRACKER_KEY, type ShippingConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import type { ShippingContext } from './domain/context.ts';
import { bookPickups } from './domain/returns.ts';
import { pollTracking } from './domain/tracking.ts';
import { handlers } from './events/handlers.ts';
import { shipmentRoutes } from './routes/shipments.ts';

type Fetch = (url: string, init: RequestInit) => Promise<Response>;
/** The service's context: the shipping rules' parts and the config. */
export type ShippingServiceContext = ShippingContext & { config: ShippingConfig };

/**
 * The shipping service. A local run passes the carrier sandbox (`local`, services/shipping/sandbox);
 * tests pass a `fetch` that reaches it through the app itself.
 */
export function shippingService(
  o: { fetch?: Fetch; local?: LocalMount<ShippingServiceContext> } = {},
): ServiceDefinition<Database, typeof config, ShippingServiceContext> {
  return {
    name: 'shipping',
    description:
      '배송: shipments per seller, dispatch, carrier tracking, returns; the carrier sandbox locally',
    config,
    migrations,
    context: ({ db, events, log, config: c }) => {
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
      return {
        config: c,
        db,
        events,
        log,
        deliveryDays: c.DELIVERY_DAYS,
        carrier: {
          track: (carrier, number) =>
            client.track(carrier, number).catch((err) => {
              if (err instanceof CarrierError && err.code === 'CARRIER_UNAVAILABLE')
                throw unavailable('CARRIER_UNAVAILABLE', err.message);
              throw err;
            }),
          bookPickup: (carrier, req) => client.bookPickup(carrier, req),
        },
      };
    },
    routes: shipmentRoutes,
    ...(o.local ? { local: o.local } : {}),
    handlers,
    workers: (ctx) => [
      intervalWorker('tracking', ctx.config.TRACKING_POLL_MS, ctx.log, () =>
        pollTracking(ctx, { refreshAfterMs: Math.max(0, ctx.config.TRACKING_POLL_MS - 50) }),
      ),
      intervalWorker('return-pickups', ctx.config.RETURN_PICKUP_POLL_MS, ctx.log, () => bookPickups(ctx)),
    ],
  };
}

export const service = shippingService();
