import { deadLetterTopic } from '@mp/contracts';
import { intervalWorker, type ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { recoverActions } from './domain/actions.ts';
import { reconcileConfigs } from './domain/configs.ts';
import { monitorHandler, pruneEventLog } from './domain/monitor.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'admin',
  description: '관리자: back office and the event monitor',
  config,
  migrations,
  routes,
  // The monitor subscribes to every topic and to the dead-letter topic.
  rawHandler: ({ db }) => monitorHandler(db, deadLetterTopic),
  workers: ({ db, log, dapr, events }) => [
    intervalWorker('admin-actions-recovery', 30_000, log, () => recoverActions({ db, dapr, events })),
    intervalWorker('event-log-retention', 3_600_000, log, () => pruneEventLog(db, 14)),
    intervalWorker('config-reconciler', 60_000, log, () => reconcileConfigs({ db, dapr, log })),
  ],
};
