import type { ServiceDefinition } from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database> = {
  name: 'file',
  description: '파일: uploads to object storage, image variants',
  migrations,
  routes,
  handlers,
};
