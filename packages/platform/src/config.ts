import { localEnvironments, type ServiceName, schemaOf, services } from '@mp/contracts';
import { z } from 'zod';
import { compileList } from './client-ip.ts';
import { planCacheMode } from './db.ts';

/** A yes/no variable: `true`/`1` or `false`/`0`. Add `.default(false)` or `.optional()`. */
export const envFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const origin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'an origin is scheme://host[:port], without path or `*`');

/** `CORS_ALLOWED_ORIGINS`: a comma-separated list of origins → their lower-cased list. */
export const corsOrigins = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((o) => o.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(origin));

/** The variables every service reads. A service adds its own with `.extend()`. */
/** A grade (등급: of a buyer, of a seller) and the net amount from which it starts. */
export interface GradeRule {
  grade: string;
  minAmount: number;
}

/**
 * Parses grade thresholds from the environment, `SILVER=300000,GOLD=1000000` (KRW), rising; an
 * empty string is no grades. Buyers' and sellers' grades are configured alike.
 */
export function parseGradeRules(spec: string): GradeRule[] {
  const rules = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([A-Z][A-Z0-9_]*)=(\d+)$/.exec(part);
      if (!m) throw new Error(`"${part}" is not GRADE=amount`);
      return { grade: m[1]!, minAmount: Number(m[2]) };
    });
  for (let i = 1; i < rules.length; i++) {
    if (rules[i]!.minAmount <= rules[i - 1]!.minAmount) throw new Error('thresholds must rise');
  }
  return rules;
}

export const baseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Where Prometheus scrapes `GET /metrics`: a port of its own, never the API's (nor the gateway's). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9464),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Statements the service repeats run as named prepared statements (db.ts); `false` behind a
   * connection pooler that cannot keep them (PgBouncer before 1.21 in transaction mode).
   */
  DB_PREPARED_STATEMENTS: envFlag.default(true),
  /**
   * PostgreSQL's `plan_cache_mode` on the service's connections: `auto` keeps one plan for a
   * statement whose plans cost the same whatever its values; a service whose statements' best
   * plans depend on their values (search's words) sets `force_custom_plan` (decision 0069).
   */
  DB_PLAN_CACHE_MODE: planCacheMode.default('auto'),
  /** The schema this service owns; defaults to the service's own. Tests use throw-away ones. */
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .optional(),
  DAPR_HOST: z.string().default('127.0.0.1'),
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  /** Sent to our sidecar on every call (Dapr's API token). */
  DAPR_API_TOKEN: z.string().min(16).optional(),
  /** What our sidecar sends us; required on /internal and /events routes. */
  APP_API_TOKEN: z.string().min(16),
  PUBSUB_NAME: z.string().default('pubsub'),
  /** Where access tokens are verified; defaults to auth's JWKS through our Dapr sidecar. */
  JWKS_URL: z.url().optional(),
  /** auth's list of revoked sessions; defaults to auth's internal route through our Dapr sidecar. */
  REVOCATIONS_URL: z.url().optional(),
  /** How stale that list may get: a revoked session's tokens stop working everywhere within this. */
  REVOCATION_MAX_AGE_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Past this age (auth unreachable) the list no longer decides and access tokens are refused (503). */
  REVOCATION_STALE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  JWT_ISSUER: z.string().default('marketplace-auth'),
  JWT_AUDIENCE: z.string().default('marketplace'),
  ENVIRONMENT: z.string().default('local'),
  /**
   * Browser origins allowed to call the API cross-origin (CORS), comma-separated, each exactly
   * `scheme://host[:port]`. Empty: none. `*` is refused: credentials are allowed, so every origin
   * must be named.
   */
  CORS_ALLOWED_ORIGINS: corsOrigins.default([]),
  /**
   * The sidecars' trace sampling rate (their Dapr Configuration's `tracing.samplingRate`, the same
   * value): how often a request that arrives without `traceparent` starts a sampled trace.
   */
  TRACING_SAMPLING_RATE: z.coerce.number().min(0).max(1).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The relay's poll while it has work, a row backing off or no listener (decision 0003). */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(2000),
  /**
   * The relay's poll while nothing is pending and its listener is up: a commit wakes it through
   * NOTIFY, so this bounds only a row left pending by a replica that crashed while publishing it.
   * Under the pool's idle timeout (db.ts, 30 s), so that the poll finds its connection still open
   * instead of opening one (a password handshake and a new PostgreSQL backend) every time.
   */
  OUTBOX_IDLE_POLL_MS: z.coerce.number().int().min(50).default(20_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * The proxies whose `X-Forwarded-For` entries are believed when finding a client's address
   * (comma-separated CIDRs or `loopback`, `linklocal`, `uniquelocal`). Only the local gateway by
   * default; the chart adds the load balancer's and the ingress controller's networks.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .refine((v) => {
      try {
        compileList(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be comma-separated CIDRs, addresses or loopback/linklocal/uniquelocal'),
  /**
   * Local profiles only: sandboxes and development conveniences. Refused unless ENVIRONMENT is
   * explicitly one of localEnvironments (fail closed: `prod`, `staging`, a typo or nothing at all
   * keeps them off).
   */
  LOCAL_DEV: envFlag.optional(),
  /**
   * Local runs only: a file of the checkout whose default export the service mounts beside its
   * routes (a provider's sandbox, services/<name>/sandbox/index.ts; `localModule()`). Images have none.
   */
  LOCAL_MODULE: z.string().min(1).optional(),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  readonly issues: { variable: string; message: string }[];
  constructor(service: string, issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration for the ${service} service:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`,
    );
    this.issues = issues;
  }
}

/** Parses the environment; a bad or missing variable throws a ConfigError that names it. */
export function parseConfig<S extends z.ZodObject>(
  service: ServiceName,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> & { PORT: number; DB_SCHEMA: string } {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((i) => ({ variable: i.path.join('.') || '(env)', message: i.message })),
    );
  }
  const cfg = result.data as Record<string, unknown>;
  if (cfg.LOCAL_DEV && !localEnvironments.includes(env.ENVIRONMENT ?? ''))
    throw new ConfigError(service, [
      {
        variable: 'LOCAL_DEV',
        message: `only with ENVIRONMENT set to one of ${localEnvironments.join(', ')} (it is ${env.ENVIRONMENT ? `"${env.ENVIRONMENT}"` : 'unset'})`,
      },
    ]);
  if (cfg.LOCAL_MODULE && !localEnvironments.includes(env.ENVIRONMENT ?? ''))
    throw new ConfigError(service, [
      {
        variable: 'LOCAL_MODULE',
        message: `only with ENVIRONMENT set to one of ${localEnvironments.join(', ')}`,
      },
    ]);
  return {
    ...cfg,
    PORT: (cfg.PORT as number | undefined) ?? services[service].port,
    DB_SCHEMA: (cfg.DB_SCHEMA as string | undefined) ?? schemaOf(service),
  } as z.infer<S> & { PORT: number; DB_SCHEMA: string };
}
