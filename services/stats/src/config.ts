import { baseConfigSchema, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .default(false);

export const config = baseConfigSchema.extend({
  /** Where generated reports (monthly sales CSV) are kept. */
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/)
    .default('marketplace-reports'),
  /** An S3-compatible endpoint (the local AWS emulator); unset on AWS. */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('ap-northeast-2'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Local profiles: create the bucket when it does not exist. */
  S3_CREATE_BUCKET: flag,
});

export type Config = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };
export type Deps = ServiceDeps<Database, Config>;
