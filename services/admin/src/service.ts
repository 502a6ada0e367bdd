import type { ServiceDefinition } from '@mp/platform';
import type { Database } from './db/schema.ts';
import { migrations } from './db/migrations.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database> = {
  name: 'admin',
  description: '관리자: back office and the event monitor',
  migrations,
  routes,
  handlers,
};
