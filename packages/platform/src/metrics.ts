import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import client from 'prom-client';

/**
 * Prometheus metrics of one app, served on its own port (METRICS_PORT), never through the API port
 * or the gateway. Every series carries `service`. Names start with `mp_` so they never meet the
 * sidecar's `dapr_*` ones in a dashboard. docs/metrics.md lists them.
 */
export interface Metrics {
  readonly registry: client.Registry;
  /** Counts and times every request by its route pattern (`/orders/:id`), never its raw path. */
  readonly http: MiddlewareHandler;
  /** One delivered event's outcome, and its lag (delivery time − the event's `timestamp`). */
  delivered(topic: string, outcome: DeliveryOutcome, eventTime?: string): void;
  /**
   * Node's default metrics (event loop, heap, GC, CPU): on for a running app, off in tests. With
   * them `nodejs_heap_live_bytes`: the heap in use right after the latest full collection, i.e.
   * what is live; the used heap at a scrape also counts garbage not yet collected, and RSS what V8
   * keeps reserved. A leak shows as this gauge rising.
   */
  collectDefaults(): void;
  /** Serves `GET /metrics` on `port`. */
  serve(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** `handled` (a duplicate too), `failed` (Dapr retries it), `dead_lettered` (dropped to the dead-letter topic). */
export type DeliveryOutcome = 'handled' | 'failed' | 'dead_lettered';

export const deliveryOutcome = { SUCCESS: 'handled', RETRY: 'failed', DROP: 'dead_lettered' } as const;

/** Routes that are not counted: the probes (every few seconds from the kubelet) say nothing of the traffic. */
const unobserved = new Set(['/healthz', '/readyz']);

/** Request durations, 5 ms to 10 s. */
const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Consumer lag, 10 ms to 10 min (a retried event waits for Dapr's back-off). */
/** How often the event loop's delay is sampled (the `nodejs_eventloop_lag_*` figures). */
export const EVENT_LOOP_SAMPLE_MS = 100;
const lagBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/**
 * The route pattern a request matched: the last matched route that is a handler (`app.get…`), not
 * a middleware (`app.use`, method ALL). A request no route matched is `unmatched`, so a scan of
 * random paths cannot grow the series without bound.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app env
export function routeOf(c: Parameters<MiddlewareHandler<any>>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

export interface MetricsOptions {
  service: string;
  /** The service's database: its outbox backlog is read at each scrape. */
  db?: Kysely<unknown>;
  /** The database pool: its connections are read at each scrape. */
  pool?: pg.Pool;
}

export function createMetrics(o: MetricsOptions): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: o.service });
  const registers = [registry];

  const requests = new client.Counter({
    name: 'mp_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const errors = new client.Counter({
    name: 'mp_http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new client.Histogram({
    name: 'mp_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: httpBuckets,
    registers,
  });
  const consumed = new client.Counter({
    name: 'mp_events_consumed_total',
    help: 'Events delivered to this app, by topic and outcome (handled, failed, dead_lettered)',
    labelNames: ['topic', 'outcome'],
    registers,
  });
  const lag = new client.Histogram({
    name: 'mp_event_consumer_lag_seconds',
    help: "Time from an event's timestamp (written with its outbox row) to its delivery here, by topic",
    labelNames: ['topic'],
    buckets: lagBuckets,
    registers,
  });

  // Read before the outbox's query below takes a connection, so a scrape does not count itself.
  if (o.pool) {
    const pool = o.pool;
    const gauge = (name: string, help: string, read: () => number) =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('mp_db_pool_connections', 'Database connections open in the pool', () => pool.totalCount);
    gauge('mp_db_pool_idle_connections', 'Open database connections not in use', () => pool.idleCount);
    gauge('mp_db_pool_waiting_clients', 'Queries waiting for a free connection', () => pool.waitingCount);
    gauge('mp_db_pool_max_connections', 'The size the pool may grow to', () => pool.options.max ?? 10);
  }

  if (o.db) {
    const db = o.db;
    // Both gauges read one query per scrape (a scrape reads all metrics at once).
    let pending: { at: number; result: Promise<{ n: number; age: number } | undefined> } | undefined;
    const outbox = () => {
      if (!pending || Date.now() - pending.at > 1000) {
        pending = {
          at: Date.now(),
          result: sql<{ n: number; age: number }>`
            select count(*)::int as n,
              coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
            from outbox where sent_at is null`
            .execute(db)
            .then((r) => r.rows[0])
            .catch(() => undefined),
        };
      }
      return pending.result;
    };
    new client.Gauge({
      name: 'mp_outbox_backlog',
      help: 'Outbox rows committed and not yet published',
      registers,
      async collect() {
        const row = await outbox();
        if (row) this.set(row.n);
      },
    });
    new client.Gauge({
      name: 'mp_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none waits)',
      registers,
      async collect() {
        const row = await outbox();
        if (row) this.set(row.age);
      },
    });
  }

  const http: MiddlewareHandler = async (c, next) => {
    if (unobserved.has(c.req.path)) return next();
    const end = duration.startTimer();
    try {
      await next();
    } finally {
      const route = routeOf(c);
      const method = c.req.method;
      const status = String(c.res.status);
      end({ method, route });
      requests.inc({ method, route, status });
      if (c.res.status >= 500) errors.inc({ method, route, status });
    }
  };

  let server: Server | undefined;
  let defaults = false;
  let gcObserver: PerformanceObserver | undefined;
  return {
    registry,
    http,
    delivered(topic, outcome, eventTime) {
      consumed.inc({ topic, outcome });
      const at = eventTime ? Date.parse(eventTime) : Number.NaN;
      if (Number.isFinite(at)) lag.observe({ topic }, Math.max(0, (Date.now() - at) / 1000));
    },
    collectDefaults() {
      if (defaults) return;
      defaults = true;
      // The event loop's delay sampled every 100 ms rather than prom-client's 10 ms: a timer that
      // woke every app 100 times a second, most of an idle app's CPU (docs/benchmarks.md). A stall
      // longer than 100 ms is still measured at its length.
      client.collectDefaultMetrics({
        register: registry,
        eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
      });
      const live = new client.Gauge({
        name: 'nodejs_heap_live_bytes',
        help: 'V8 heap in use right after the latest full (mark-compact) collection',
        registers: [registry],
      });
      gcObserver = new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
            live.set(process.memoryUsage().heapUsed);
      });
      gcObserver.observe({ entryTypes: ['gc'] });
    },
    serve(port, host = '0.0.0.0') {
      server = createServer((req, res) => {
        if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
          res.writeHead(404).end();
          return;
        }
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
        );
      });
      const s = server;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen({ port, host }, () => resolve(s.address() as AddressInfo));
      });
    },
    close() {
      gcObserver?.disconnect();
      const s = server;
      server = undefined;
      return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
  };
}
