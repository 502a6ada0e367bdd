import { baseConfigSchema, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .default(false);
const fonts = '/usr/share/fonts/truetype/nanum';

export const config = baseConfigSchema.extend({
  /** Where statements (정산서 PDF) are kept. */
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/)
    .default('marketplace-settlements'),
  /** An S3-compatible endpoint (the local AWS emulator); unset on AWS. */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('ap-northeast-2'),
  /** Static credentials for the emulator; on AWS the default chain (IRSA) is used. */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Local profiles: create the bucket when it does not exist. */
  S3_CREATE_BUCKET: flag,
  /** TrueType fonts with Hangul (Debian's fonts-nanum). */
  STATEMENT_FONT: z.string().default(`${fonts}/NanumGothic.ttf`),
  STATEMENT_FONT_BOLD: z.string().default(`${fonts}/NanumGothicBold.ttf`),
  /** How often calculated settlements are looked for to issue their statements. */
  STATEMENT_POLL_MS: z.coerce.number().int().min(100).default(5000),
});

export type Config = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };
export type Deps = ServiceDeps<Database, Config>;
