import type { ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'review',
  description: '리뷰: product reviews and ratings',
  config,
  migrations,
  routes,
  handlers,
};
