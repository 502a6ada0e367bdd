import { documentBucketConfig } from '@mp/documents';
import { baseConfigSchema, type ServiceConfig, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

const fonts = '/usr/share/fonts/truetype/nanum';

export const config = baseConfigSchema.extend({
  /** Where statements (정산서 PDF) are kept. */
  ...documentBucketConfig('marketplace-settlements'),
  /** TrueType fonts with Hangul (Debian's fonts-nanum). */
  STATEMENT_FONT: z.string().default(`${fonts}/NanumGothic.ttf`),
  STATEMENT_FONT_BOLD: z.string().default(`${fonts}/NanumGothicBold.ttf`),
  /** How often calculated settlements are looked for to issue their statements. */
  STATEMENT_POLL_MS: z.coerce.number().int().min(100).default(5000),
});

export type Config = ServiceConfig<typeof config>;
export type Deps = ServiceDeps<Database, Config>;
