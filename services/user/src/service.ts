import { intervalWorker, type ServiceDefinition, Throttle } from '@mp/platform';
import { config, type UserContext } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { adminBootstrap } from './domain/bootstrap.ts';
import { reevaluateDueGrades } from './domain/grade-worker.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database, typeof config, UserContext> = {
  name: 'user',
  description: '사용자: sign-up, profiles, addresses, wishlist, recent views, grades',
  config,
  migrations,
  // The current-password checks' throttle (the `ratelimits` store), one per service instance.
  context: (deps) => ({ ...deps, passwordChecks: new Throttle(deps.dapr, deps.log) }),
  routes,
  internal: internalRoutes,
  handlers,
  workers: (deps) => [
    adminBootstrap(deps),
    // The window rolls on without events: grades above the base are looked at again daily.
    intervalWorker('grade-review', 3_600_000, deps.log, () => reevaluateDueGrades(deps)),
  ],
};
