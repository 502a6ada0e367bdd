import type { ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'notification',
  description: '알림: email (through a Dapr output binding), in-app history and settings',
  config,
  migrations,
  routes,
  handlers,
};
