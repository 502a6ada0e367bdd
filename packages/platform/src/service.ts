import { flushCompileCache } from 'node:module';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { localEnvironments, type ServiceName } from '@mp/contracts';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { z } from 'zod';
import { type App, createApp } from './app.ts';
import {
  authenticate,
  createTokenVerifier,
  remoteJwks,
  remoteRevocations,
  requireAppToken,
  type TokenVerifier,
  type VerifiedTokenCache,
} from './auth.ts';
import { type BaseConfig, baseConfigSchema, ConfigError, parseConfig } from './config.ts';
import { createDapr, type Dapr } from './dapr.ts';
import { createDb, type Migrations, migrate, poolOf } from './db.ts';
import { createLogger, flushLogs, type Logger } from './logger.ts';
import { createMetrics, deliveryOutcome, type Metrics } from './metrics.ts';
import { publicDocument } from './openapi.ts';
import { EventPublisher, OutboxRelay } from './outbox.ts';
import type { PlatformTables } from './platform-migrations.ts';
import type { RelayHold, SagaLag } from './pressure.ts';
import { type EventHandlers, mountSubscriptions, type RawHandler } from './subscriptions.ts';
import type { Worker } from './workers.ts';

export type ServiceConfig<S extends z.ZodObject | undefined> = BaseConfig &
  (S extends z.ZodObject ? z.infer<S> : unknown) & { PORT: number; DB_SCHEMA: string };

/** What a service's routes, handlers and workers are given. Tests build it with their own parts. */
export interface ServiceDeps<DB, C = ServiceConfig<undefined>> {
  name: ServiceName;
  config: C;
  db: Kysely<DB>;
  log: Logger;
  dapr: Dapr;
  events: EventPublisher;
  verifier: TokenVerifier;
}

/**
 * A service, declared: its name, its variables, its schema's migrations, and what it serves. The kit
 * builds the service's context once (`context(deps)`; without one, the deps themselves) and hands it
 * to the routes, the internal routes, the handlers, the workers, the readiness checks and the verifier.
 */
export interface ServiceDefinition<
  DB,
  S extends z.ZodObject | undefined = undefined,
  Ctx = ServiceDeps<DB, ServiceConfig<S>>,
> {
  name: ServiceName;
  /** The service's variables: `baseConfigSchema.extend({...})`, in src/config.ts. */
  config?: S;
  migrations: Migrations;
  /**
   * What the service's routes, handlers and workers share (clients, rules from the config),
   * built once per built service. `deps.verifier` is set right after it returns (from `verifier`).
   */
  context?(deps: ServiceDeps<DB, ServiceConfig<S>>): Ctx;
  /** Public routes (behind the gateway). */
  routes(app: App, ctx: Ctx): void;
  /** Routes under /internal, reachable only through Dapr service invocation. */
  internal?(app: App, ctx: Ctx): void;
  /** One handler per topic the catalog subscribes this service to. */
  handlers?(ctx: Ctx): EventHandlers<DB>;
  /** The event monitor's catch-all (admin only). */
  rawHandler?(ctx: Ctx): RawHandler;
  workers?(ctx: Ctx): Worker[];
  /**
   * Who goes first when the door and the sagas behind it want the same cores (pressure.ts): the
   * kit tells `lag` each handled delivery's event time, and its relay holds back `hold`'s events.
   */
  pressure?(ctx: Ctx): { lag?: SagaLag; hold?: RelayHold };
  /** Extra readiness checks: name → healthy. */
  readiness?(ctx: Ctx): Promise<Record<string, boolean>>;
  /** Replaces the JWKS verifier (auth verifies with its own keys). */
  verifier?(ctx: Ctx): TokenVerifier;
  /**
   * Routes only a local run mounts (a provider's sandbox), beside the public ones and only with
   * LOCAL_DEV: main.ts passes what `localModule()` loaded; images have no such module.
   */
  local?: LocalMount<Ctx>;
  description?: string;
}

/** A local-only module's routes (a sandbox), given the service's context. */
export type LocalMount<Ctx> = (app: App, ctx: Ctx) => void;

/**
 * The module a local run names in LOCAL_MODULE (a file of the checkout, e.g. the stack runner's
 * services/payment/sandbox/index.ts): its default export, or undefined when none is named. Refused
 * outside a local ENVIRONMENT. The images leave these modules out (Dockerfile, scripts/image/check.sh).
 */
export async function localModule<T>(
  service: ServiceName,
  env: Record<string, string | undefined> = process.env,
): Promise<T | undefined> {
  const path = env.LOCAL_MODULE;
  if (!path) return undefined;
  if (!localEnvironments.includes(env.ENVIRONMENT ?? ''))
    throw new ConfigError(service, [
      {
        variable: 'LOCAL_MODULE',
        message: `only with ENVIRONMENT set to one of ${localEnvironments.join(', ')}`,
      },
    ]);
  return ((await import(pathToFileURL(resolve(path)).href)) as { default: T }).default;
}

export interface BuildOverrides {
  env?: Record<string, string | undefined>;
  dapr?: Dapr;
  verifier?: TokenVerifier;
  log?: Logger;
}

export interface Service<DB, C, Ctx = ServiceDeps<DB, C>> {
  app: App;
  deps: ServiceDeps<DB, C>;
  /** The context the definition built (`context(deps)`), or the deps. */
  ctx: Ctx;
  relay: OutboxRelay;
  /** Its Prometheus metrics, served on METRICS_PORT by start(). */
  metrics: Metrics;
  /** Migrates, then starts the relay and workers (not the HTTP server); tests leave both off. */
  prepare(opts?: { relay?: boolean; workers?: boolean }): Promise<void>;
  /** prepare() and listen on the configured port. */
  start(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

/** Builds a service from its definition: config, pools, app with the kit's routes, relay. */
export function buildService<DB, S extends z.ZodObject | undefined, Ctx>(
  def: ServiceDefinition<DB, S, Ctx>,
  o: BuildOverrides = {},
): Service<DB, ServiceConfig<S>, Ctx> {
  const schema = (def.config ?? baseConfigSchema) as z.ZodObject;
  const config = parseConfig(def.name, schema, o.env ?? process.env) as ServiceConfig<S>;
  const log = o.log ?? createLogger(def.name, config.LOG_LEVEL);
  const db = createDb<DB>(config.DATABASE_URL, config.DB_SCHEMA, config.DB_POOL_MAX, {
    prepare: config.DB_PREPARED_STATEMENTS,
    planCacheMode: config.DB_PLAN_CACHE_MODE,
  });
  const dapr =
    o.dapr ??
    createDapr({
      host: config.DAPR_HOST,
      httpPort: config.DAPR_HTTP_PORT,
      caller: def.name,
      ...(config.DAPR_API_TOKEN ? { apiToken: config.DAPR_API_TOKEN } : {}),
    });
  const events = new EventPublisher(def.name, config.ENVIRONMENT);
  // The verifier may need the context (auth signs with its own keys): it is set once both exist.
  const deps = { name: def.name, config, db, log, dapr, events } as ServiceDeps<DB, ServiceConfig<S>>;
  const ctx = def.context ? def.context(deps) : (deps as Ctx);
  const verifier = o.verifier ?? def.verifier?.(ctx) ?? defaultVerifier(config, log);
  deps.verifier = verifier;
  // A context that extends the deps (`{ ...deps, … }`) copied them before the verifier existed.
  if (ctx !== deps && typeof ctx === 'object' && ctx !== null && 'dapr' in ctx && !('verifier' in ctx))
    Object.assign(ctx, { verifier });

  const pressure = def.pressure?.(ctx) ?? {};
  const relay = new OutboxRelay(db as unknown as Kysely<PlatformTables>, dapr, log, {
    pubsub: config.PUBSUB_NAME,
    schema: config.DB_SCHEMA,
    databaseUrl: config.DATABASE_URL,
    pollMs: config.OUTBOX_POLL_MS,
    idlePollMs: Math.max(config.OUTBOX_POLL_MS, config.OUTBOX_IDLE_POLL_MS),
    ...(pressure.hold ? { hold: pressure.hold } : {}),
  });
  const workers = def.workers?.(ctx) ?? [];
  let draining = false;

  const app = createApp(log, {
    corsOrigins: config.CORS_ALLOWED_ORIGINS,
    traceSamplingRate: config.TRACING_SAMPLING_RATE,
  });
  const pool = poolOf(db);
  const metrics = createMetrics({ service: def.name, db: db as Kysely<unknown>, ...(pool ? { pool } : {}) });
  app.use('*', metrics.http);
  app.get('/healthz', (c) => c.json({ status: 'ok', service: def.name }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, boolean> = {
      postgres: await sql`select 1`
        .execute(db)
        .then(() => true)
        .catch(() => false),
      sidecar: await dapr.healthy(),
      ...(await def.readiness?.(ctx)),
    };
    const ready = !draining && Object.values(checks).every(Boolean);
    return c.json(
      { status: ready ? 'ready' : draining ? 'draining' : 'not-ready', checks },
      ready ? 200 : 503,
    );
  });

  // Dapr's side: event delivery and service invocation need our sidecar's app token.
  app.use('/events/*', requireAppToken(config.APP_API_TOKEN));
  app.use('/internal/*', requireAppToken(config.APP_API_TOKEN));
  mountSubscriptions(app, {
    service: def.name,
    pubsub: config.PUBSUB_NAME,
    db,
    log,
    handlers: def.handlers?.(ctx) ?? {},
    ...(def.rawHandler ? { raw: def.rawHandler(ctx) } : {}),
    observe: (topic, status, eventTime) => {
      metrics.delivered(topic, deliveryOutcome[status], eventTime);
      pressure.lag?.observe(eventTime);
    },
    // Two connections stay free of event work for the API and /readyz.
    maxConcurrent: Math.max(1, config.DB_POOL_MAX - 2),
  });

  app.use('*', authenticate(verifier));
  def.internal?.(app, ctx);
  def.routes(app, ctx);
  if (def.local && config.LOCAL_DEV) def.local(app, ctx);
  // The service's public and internal routes, described by the kit (openapi.ts); the public ones
  // of every service are merged into /api/openapi.json.
  let document: unknown;
  app.get('/openapi.json', (c) => {
    document ??= publicDocument(
      app,
      def.name,
      { title: `${def.name} service`, version: '1.0.0', description: def.description ?? '' },
      { internal: true },
    );
    return c.json(document);
  });

  let server: ReturnType<typeof createAdaptorServer> | undefined;

  let started = { relay: false, workers: false };
  const prepare = async (opts: { relay?: boolean; workers?: boolean } = {}) => {
    const applied = await migrate(db as Kysely<unknown>, config.DB_SCHEMA, def.migrations);
    if (applied.length) log.info({ applied }, 'migrations applied');
    started = { relay: opts.relay ?? true, workers: opts.workers ?? opts.relay ?? true };
    if (started.relay) await relay.start();
    if (started.workers) for (const w of workers) await w.start();
  };

  return {
    app,
    deps,
    ctx,
    relay,
    metrics,
    prepare,
    async start() {
      await prepare();
      metrics.collectDefaults();
      const m = await metrics.serve(config.METRICS_PORT);
      log.info({ port: m.port }, 'metrics listening');
      return new Promise<AddressInfo>((resolve) => {
        server = createAdaptorServer({ fetch: app.fetch });
        // A burst of connections (a flash sale) waits in the kernel's accept queue while the event
        // loop is busy; Node's default (511) overflows and the proxy in front gets resets (502).
        server.listen({ port: config.PORT, host: '0.0.0.0', backlog: LISTEN_BACKLOG }, () => {
          const info = server!.address() as AddressInfo;
          log.info({ port: info.port }, `${def.name} listening`);
          resolve(info);
        });
        // Behind a proxy that keeps upstream connections alive (nginx, an ingress, a load
        // balancer: 60 s), Node must not close an idle one first (its default is 5 s): the proxy
        // would send the next request on a socket we just closed and answer 502.
        const s = server as import('node:http').Server;
        s.keepAliveTimeout = KEEP_ALIVE_MS;
        s.headersTimeout = KEEP_ALIVE_MS + 1000;
      });
    },
    async stop() {
      draining = true;
      // Stop taking requests and let the ones in flight finish, within the grace period.
      if (server) {
        const s = server as import('node:http').Server;
        const closed = new Promise<void>((r) => s.close(() => r()));
        s.closeIdleConnections?.();
        const timer = setTimeout(() => s.closeAllConnections?.(), Number(config.SHUTDOWN_GRACE_MS));
        await closed;
        clearTimeout(timer);
      }
      if (started.workers) for (const w of workers) await w.stop();
      if (started.relay) await relay.stop();
      await dapr.stop();
      await metrics.close();
      await db.destroy();
      log.info('stopped');
    },
  };
}

/** The listen backlog (the kernel caps it at net.core.somaxconn). */
export const LISTEN_BACKLOG = 4096;

/** How long an idle keep-alive connection stays open: longer than any proxy in front keeps its own. */
export const KEEP_ALIVE_MS = 65_000;

/**
 * A token's signature is checked once a minute per app, not on every request: auth's key set is
 * itself trusted for ten minutes (`remoteJwks`), and 10,000 tokens take a few MB.
 */
export const VERIFIED_TOKENS: VerifiedTokenCache = { maxAgeMs: 60_000, maxEntries: 10_000 };

/**
 * Access tokens are checked against auth's JWKS and its list of revoked sessions, through our own
 * sidecar unless JWKS_URL / REVOCATIONS_URL say otherwise.
 */
function defaultVerifier(config: BaseConfig, log: Logger): TokenVerifier {
  const url =
    config.JWKS_URL ??
    `http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}/v1.0/invoke/auth/method/.well-known/jwks.json`;
  const headers: Record<string, string> = config.DAPR_API_TOKEN
    ? { 'dapr-api-token': config.DAPR_API_TOKEN }
    : {};
  const revocations =
    config.REVOCATIONS_URL ??
    `http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}/v1.0/invoke/auth/method/internal/sessions/revoked`;
  return createTokenVerifier({
    jwks: remoteJwks(url, headers),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    cache: VERIFIED_TOKENS,
    isRevoked: remoteRevocations(revocations, headers, {
      maxAgeMs: config.REVOCATION_MAX_AGE_MS,
      staleAfterMs: config.REVOCATION_STALE_MS,
      log,
    }),
  });
}

/**
 * The entry point of every service's main.ts: build, migrate, listen; on SIGTERM or SIGINT stop
 * taking work, drain requests and the outbox, close pools, exit. A bad config exits 1 naming the variable.
 */
export async function runService<DB, S extends z.ZodObject | undefined, Ctx>(
  def: ServiceDefinition<DB, S, Ctx>,
): Promise<void> {
  let service: Service<DB, ServiceConfig<S>, Ctx>;
  try {
    service = buildService(def);
    await service.start();
    // Node's compile cache (NODE_COMPILE_CACHE: local runs and the image set it) keeps each
    // TypeScript file's stripped source: written now rather than at exit, so the next start of
    // any service finds it and never loads Node's type stripper (about 18 MB of memory per process).
    flushCompileCache();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
    } else {
      console.error(`${def.name} failed to start:`, err);
    }
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.deps.log.info({ signal }, 'shutting down');
    // The log buffer is written before the exit (pino's exit hook would too; this says so here).
    service.stop().then(
      () => {
        flushLogs();
        process.exit(0);
      },
      (err) => {
        service.deps.log.error({ err }, 'shutdown failed');
        flushLogs();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
