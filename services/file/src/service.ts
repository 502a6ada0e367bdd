import {
  baseConfigSchema,
  envFlag,
  intervalWorker,
  type ServiceConfig,
  type ServiceDefinition,
  z,
} from '@mp/platform';
import { config } from './config.ts';
import { type FileContext, fileContext } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { pruneAbandoned } from './domain/files.ts';
import { publicPurposes } from './domain/purposes.ts';
import { resizeWorker } from './domain/resizer.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database, typeof config, FileContext> = {
  name: 'file',
  description: '파일: uploads to object storage, image variants',
  config,
  migrations,
  context: fileContext,
  routes,
  internal: internalRoutes,
  readiness: async (deps) => ({ objectStorage: await deps.parts.store.healthy() }),
  workers: (deps) => [
    {
      name: 'bucket',
      start: () => deps.parts.store.ensureBucket(deps.config.S3_CREATE_BUCKET, publicPurposes),
      stop: async () => {},
    },
    resizeWorker({
      db: deps.db,
      store: deps.parts.store,
      log: deps.log,
      databaseUrl: deps.config.DATABASE_URL,
      schema: deps.config.DB_SCHEMA,
      pollMs: deps.config.RESIZE_POLL_MS,
    }),
    intervalWorker('abandoned-uploads', 3_600_000, deps.log, () => pruneAbandoned(deps.parts)),
  ],
};
