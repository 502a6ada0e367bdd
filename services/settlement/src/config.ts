import { documentBucketConfig } from '@mp/documents';
import { baseConfigSchema, type ServiceConfig, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

const fonts = '/usr/share/fonts/truetype/nanum';

export const config = baseConfigSchema
  .extend({
    /** Where statements (정산서 PDF) are kept. */
    ...documentBucketConfig('marketplace-settlements'),
    /** TrueType fonts with Hangul (Debian's fonts-nanum). */
    STATEMENT_FONT: z.string().default(`${fonts}/NanumGothic.ttf`),
    STATEMENT_FONT_BOLD: z.string().default(`${fonts}/NanumGothicBold.ttf`),
    /** How often calculated settlements are looked for to issue their statements. */
    STATEMENT_POLL_MS: z.coerce.number().int().min(100).default(5000),
    /** The open-banking API (payouts, 예금주 checks); locally the sandbox in this service (…/sandbox/bank) when unset. */
    BANK_API_BASE_URL: z.url().optional(),
    /** Open-banking client credentials; payouts and account checks are off while either is unset. */
    BANK_CLIENT_ID: z.string().min(1).optional(),
    BANK_CLIENT_SECRET: z.string().min(1).optional(),
    /** 이용기관코드 (10 characters): the first part of every bank_tran_id. */
    BANK_ORG_CODE: z
      .string()
      .regex(/^[A-Z0-9]{10}$/, '10 letters or digits')
      .default('M202600000'),
    /** 약정 계좌: the platform's account payouts are drawn from. */
    BANK_CONTRACT_ACCOUNT: z
      .string()
      .regex(/^\d{6,16}$/, '6–16 digits')
      .default('1000000000001'),
    BANK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(10_000),
    /** 32 bytes, base64: seals sellers' account numbers at rest; from a secret on a cluster. */
    BANK_ACCOUNT_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
    /** How often payouts to send, or whose transfer has no final answer yet, are looked for. */
    PAYOUT_POLL_MS: z.coerce.number().int().min(100).default(5000),
    /** How often the scheduled payouts look for issued settlements of the schedule's periods to pay. */
    PAYOUT_SCHEDULE_POLL_MS: z.coerce.number().int().min(100).default(60_000),
    /** A transfer without a final answer is asked about again after this long. */
    PAYOUT_RECHECK_AFTER_MS: z.coerce.number().int().min(0).default(30_000),
    /** The platform as issuer (공급자) of the commission's 세금계산서: 상호, 사업자등록번호, 대표자. */
    PLATFORM_BUSINESS_NAME: z.string().min(1).optional(),
    PLATFORM_BUSINESS_NUMBER: z.string().min(1).optional(),
    PLATFORM_REPRESENTATIVE: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.LOCAL_DEV && !c.BANK_ACCOUNT_KEY)
      ctx.addIssue({
        code: 'custom',
        path: ['BANK_ACCOUNT_KEY'],
        message: 'required outside local profiles',
      });
  });

export type Config = ServiceConfig<typeof config>;
export type Deps = ServiceDeps<Database, Config>;

/** Where the local bank sandbox answers (services/settlement/sandbox, mounted by local runs only). */
export const BANK_SANDBOX_BASE = '/sandbox/bank';
