import { baseConfigSchema, type ServiceDefinition, z } from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { adminBootstrap } from './domain/bootstrap.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

const config = baseConfigSchema.extend({
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
});

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'user',
  description: '사용자: sign-up, profiles, addresses, wishlist, recent views, grades',
  config,
  migrations,
  routes,
  internal: internalRoutes,
  handlers,
  workers: (deps) => [adminBootstrap(deps)],
};
