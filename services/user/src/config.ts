import { baseConfigSchema, type ServiceConfig, type ServiceDeps, type Throttle, z } from '@mp/platform';
import type { Database } from './db/schema.ts';
import { type GradePolicy, parseGradeRules } from './domain/grades.ts';

export const config = baseConfigSchema.extend({
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  /** 등급 thresholds on the net amount paid in the window, KRW, rising: `SILVER=300000,GOLD=1000000`. */
  USER_GRADE_THRESHOLDS: z
    .string()
    .default('SILVER=300000,GOLD=1000000,VIP=3000000')
    .superRefine((v, ctx) => {
      try {
        parseGradeRules(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** The rolling window the grade looks back over. */
  USER_GRADE_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  WISHLIST_MAX_ITEMS: z.coerce.number().int().min(1).max(1000).default(200),
  RECENT_VIEWS_MAX_ITEMS: z.coerce.number().int().min(1).max(500).default(50),

  // Current-password checks (password change, account deletion), throttled per account as sign-ins are.
  PASSWORD_CHECK_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  PASSWORD_CHECK_SLOW_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  PASSWORD_CHECK_BLOCK_AFTER: z.coerce.number().int().min(1).max(1000).default(10),
  PASSWORD_CHECK_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(500),
  PASSWORD_CHECK_MAX_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(4000),
  PASSWORD_CHECK_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** How recent a sign-in must be to delete an account that has no password (social sign-in only). */
  REAUTH_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
});

export type UserConfig = ServiceConfig<typeof config>;
export type UserDeps = ServiceDeps<Database, UserConfig>;
/** What user's routes, handlers and workers share, built once by the kit: the deps and the throttle of current-password checks. */
export type UserContext = UserDeps & { passwordChecks: Throttle };

/** Everyone below the first threshold holds the base grade. */
export const BASE_GRADE = 'BRONZE';

export const gradePolicy = (c: UserConfig): GradePolicy => ({
  base: BASE_GRADE,
  rules: parseGradeRules(c.USER_GRADE_THRESHOLDS),
  windowDays: c.USER_GRADE_WINDOW_DAYS,
});
