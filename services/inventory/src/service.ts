import {
  baseConfigSchema,
  intervalWorker,
  type ServiceConfig,
  type ServiceDefinition,
  z,
} from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { expireDue } from './domain/reservations.ts';
import { handlers } from './events/handlers.ts';
import { alertRoutes } from './routes/alerts.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

const config = baseConfigSchema.extend({
  /** How long an unpaid reservation holds stock when the caller does not say. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  /** Extra time after an order's payment deadline before the safety net releases its stock. */
  RESERVATION_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** How often the expiry worker looks for lapsed reservations. */
  RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).default(10_000),
  /** 품절임박 threshold of a SKU whose seller gave none. */
  DEFAULT_LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5),
});
export type InventoryConfig = ServiceConfig<typeof config>;

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'inventory',
  description: '재고: stock per SKU, reservations',
  config,
  migrations,
  routes,
  internal: (app, deps) => {
    internalRoutes(app, deps);
    alertRoutes(app, deps);
  },
  handlers,
  workers: ({ db, events, log, config }) => [
    intervalWorker('reservation-expiry', config.RESERVATION_SWEEP_MS, log, async () => {
      const n = await expireDue(db, events);
      if (n) log.info({ expired: n }, 'reservations expired');
    }),
  ],
};
