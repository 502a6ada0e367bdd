import { intervalWorker, type ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { expireDue } from './domain/reservations.ts';
import { handlers } from './events/handlers.ts';
import { alertRoutes } from './routes/alerts.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

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
