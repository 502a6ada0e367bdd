import type { ServiceDefinition } from '@mp/platform';
import type { Database } from './db/schema.ts';
import { migrations } from './db/migrations.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database> = {
  name: 'auth',
  description: '인증: login, tokens, sessions, 2FA, password reset, social login',
  migrations,
  routes,
  handlers,
};
