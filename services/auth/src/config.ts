import { baseConfigSchema, type ServiceConfig, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

const seconds = (min: number, max: number, def: number) =>
  z.coerce.number().int().min(min).max(max).default(def);
const count = (def: number) => z.coerce.number().int().min(1).max(100_000).default(def);

export const config = baseConfigSchema.extend({
  /** 32 bytes, base64: seals signing keys and TOTP secrets at rest, keys the recovery-code hashes. */
  AUTH_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(60, 3600, 600),
  REFRESH_TOKEN_TTL_SECONDS: seconds(3600, 90 * 86_400, 14 * 86_400),
  /** A session's absolute lifetime from its sign-in: refreshing never carries it past this. */
  SESSION_MAX_LIFETIME_SECONDS: seconds(3600, 365 * 86_400, 30 * 86_400),
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().min(1).default(30),
  /** Where the public API is reached (OIDC redirect URIs, links in emails). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),

  // Login throttling: per account (email) and per client address (by TRUSTED_PROXIES).
  LOGIN_WINDOW_SECONDS: seconds(10, 86_400, 900),
  LOGIN_ACCOUNT_SLOW_AFTER: count(5),
  LOGIN_ACCOUNT_BLOCK_AFTER: count(10),
  LOGIN_IP_SLOW_AFTER: count(20),
  LOGIN_IP_BLOCK_AFTER: count(100),
  /** The first delay once slowed; it doubles with each further failure up to the maximum. */
  LOGIN_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(500),
  LOGIN_MAX_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(4000),
  LOGIN_LOCKOUT_SECONDS: seconds(1, 86_400, 900),

  /** The issuer name authenticator apps show. */
  TOTP_ISSUER: z.string().min(1).max(40).default('Marketplace'),
  PASSWORD_RESET_TTL_SECONDS: seconds(60, 86_400, 1800),
  /** Reset requests per email in a login window beyond which no more mail is sent (the answer stays 202). */
  PASSWORD_RESET_MAX_PER_WINDOW: count(3),
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(60, 7 * 86_400, 86_400),
  /** Verification links a signed-in account may ask for again in a login window. */
  EMAIL_VERIFICATION_MAX_PER_WINDOW: count(3),

  // Social login (OpenID Connect). A provider is on when its client id is set.
  OIDC_KAKAO_CLIENT_ID: z.string().min(1).optional(),
  OIDC_KAKAO_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_KAKAO_ISSUER: z.url().optional(),
  OIDC_KAKAO_SCOPES: z.string().optional(),
  OIDC_GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  OIDC_GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_GOOGLE_ISSUER: z.url().optional(),
  OIDC_GOOGLE_SCOPES: z.string().optional(),
});

export type AuthConfig = ServiceConfig<typeof config>;
export type AuthDeps = ServiceDeps<Database, AuthConfig>;

export const kekOf = (c: AuthConfig) => Buffer.from(c.AUTH_KEY_ENCRYPTION_KEY, 'base64');
