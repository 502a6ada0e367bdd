import { baseConfigSchema, parseGradeRules, type ServiceConfig, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

export const config = baseConfigSchema.extend({
  /** 판매자 등급 thresholds on net sales in the window, KRW, rising: `STANDARD=1000000,…`. */
  SELLER_GRADE_THRESHOLDS: z
    .string()
    .default('STANDARD=1000000,PREMIUM=10000000,POWER=50000000')
    .superRefine((v, ctx) => {
      try {
        parseGradeRules(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  SELLER_GRADE_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** How often the grade review looks at the sellers of newly paid or cancelled orders. */
  SELLER_GRADE_REVIEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
});

export type SellerConfig = ServiceConfig<typeof config>;
export type SellerDeps = ServiceDeps<Database, SellerConfig>;
