import type { ServiceDefinition } from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database> = {
  name: 'shipping',
  description: '배송: shipments, carriers, tracking, returns',
  migrations,
  routes,
  handlers,
};
