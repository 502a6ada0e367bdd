import {
  baseConfigSchema,
  envFlag,
  intervalWorker,
  type ServiceConfig,
  type ServiceDefinition,
  z,
} from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { pruneAbandoned } from './domain/files.ts';
import { publicPurposes } from './domain/purposes.ts';
import { resizeWorker } from './domain/resizer.ts';
import { partsOf } from './parts.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

const config = baseConfigSchema.extend({
  S3_BUCKET: z.string().min(3).max(63).default('marketplace-files'),
  S3_REGION: z.string().default('ap-northeast-2'),
  /** An S3-compatible endpoint (the local AWS emulator); unset on AWS. */
  S3_ENDPOINT: z.url().optional(),
  /** The endpoint clients reach for presigned URLs, when it differs from S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  /** Static credentials (the emulator's); on AWS the default chain (IRSA) is used. */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Create the bucket at start when missing: local runs and tests only. */
  S3_CREATE_BUCKET: envFlag.default(false),
  /** Base URL of public objects: the CloudFront domain on AWS. */
  FILE_PUBLIC_BASE_URL: z.url().optional(),
  /** CloudFront distribution to invalidate when public files are deleted. */
  CDN_DISTRIBUTION_ID: z.string().optional(),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(900),
  /** The resize worker's safety-net poll (it is woken at once by each completed upload). */
  RESIZE_POLL_MS: z.coerce.number().int().min(100).default(5000),
});
export type FileConfig = ServiceConfig<typeof config>;

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'file',
  description: '파일: uploads to object storage, image variants',
  config,
  migrations,
  routes,
  internal: internalRoutes,
  readiness: async (deps) => ({ objectStorage: await partsOf(deps).store.healthy() }),
  workers: (deps) => [
    {
      name: 'bucket',
      start: () => partsOf(deps).store.ensureBucket(deps.config.S3_CREATE_BUCKET, publicPurposes),
      stop: async () => {},
    },
    resizeWorker({
      db: deps.db,
      store: partsOf(deps).store,
      log: deps.log,
      databaseUrl: deps.config.DATABASE_URL,
      schema: deps.config.DB_SCHEMA,
      pollMs: deps.config.RESIZE_POLL_MS,
    }),
    intervalWorker('abandoned-uploads', 3_600_000, deps.log, () => pruneAbandoned(partsOf(deps))),
  ],
};
