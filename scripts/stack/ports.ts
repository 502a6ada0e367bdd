/**
 * Ports of a local stack. MP_STACK=N (0–8, 0 by default) shifts every port, so that several stacks
 * (a developer's running system and a test run, or parallel work trees) share one machine:
 * app 3001 + 1000·N, sidecar HTTP 3501 + 1000·N, gRPC 20001 + 200·N, sidecar metrics 30001 + 100·N,
 * app metrics 31001 + 100·N,
 * Sentry 20050 + 200·N, gateway 8080 + N, Redis 6379 + N, a browser storefront's dev server 5173 + N
 * (the origin the stack allows cross-origin calls from); stack N > 0 uses databases suffixed `_sN`.
 */
import { join } from 'node:path';
import { type ServiceName, services } from '@mp/contracts';

export const stackNumber = (): number => {
  const n = Number(process.env.MP_STACK ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 8) throw new Error('MP_STACK must be 0–8');
  return n;
};

/** The checkout, and where stack N keeps its run files (logs, pids, secrets): .run, .run/stack-N. */
export const root = join(import.meta.dirname, '..', '..');
/**
 * Where a stack keeps its runtime state (pids, logs, databases' data, generated Dapr files): `.run`
 * for stack 0, `.run/stack-N` otherwise, in this checkout. MP_RUN set by hand wins; one that
 * scripts/lib/env.sh derived (it records it in MP_RUN_DERIVED) is derived again here, so that a shell
 * which sourced env.sh for one stack or checkout cannot point a command for another at its state.
 */
export const runDir =
  process.env.MP_RUN && process.env.MP_RUN !== process.env.MP_RUN_DERIVED
    ? process.env.MP_RUN
    : join(root, stackNumber() === 0 ? '.run' : `.run/stack-${stackNumber()}`);

export interface Ports {
  app: number;
  daprHttp: number;
  daprGrpc: number;
  daprInternalGrpc: number;
  /** The sidecar's Prometheus metrics. */
  metrics: number;
  /** The app's own Prometheus metrics (METRICS_PORT), apart from its API port. */
  appMetrics: number;
}

export function portsOf(name: ServiceName, stack = stackNumber()): Ports {
  const app = services[name].port + 1000 * stack;
  const n = services[name].port - 3000;
  return {
    app,
    daprHttp: 3500 + n + 1000 * stack,
    // Below Linux's ephemeral range (32768–60999), so an outgoing connection never holds them first.
    daprGrpc: 20000 + n + 200 * stack,
    daprInternalGrpc: 20100 + n + 200 * stack,
    metrics: 30000 + n + 100 * stack,
    // 31001–31816: above the sidecars' metrics (30001–30816), below the ephemeral range.
    appMetrics: 31000 + n + 100 * stack,
  };
}

/** Dapr's Sentry of a stack: between the sidecars' gRPC ports (20001–20016) and internal ones (20101–20116). */
export const sentryPortsOf = (stack = stackNumber()) => ({
  port: 20050 + 200 * stack,
  healthz: 20060 + 200 * stack,
  metrics: 20070 + 200 * stack,
});

export const gatewayPortOf = (stack = stackNumber()) => Number(process.env.MP_GATEWAY_PORT ?? 8080 + stack);
export const databaseOf = (name: ServiceName, stack = stackNumber()) =>
  stack === 0 ? services[name].database : `${services[name].database}_s${stack}`;
/** A service's database on the local PostgreSQL (MP_DATABASE_BASE_URL, set by scripts/lib/infra.sh). */
export const databaseUrlOf = (name: ServiceName, stack = stackNumber()) =>
  `${process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432'}/${databaseOf(name, stack)}`;

/** Where a storefront under development is served (Vite's default port, shifted by the stack). */
export const storefrontPortOf = (stack = stackNumber()) =>
  Number(process.env.MP_STOREFRONT_PORT ?? 5173 + stack);

/**
 * The browser origins a local stack allows (CORS_ALLOWED_ORIGINS): MP_CORS_ORIGINS, or the
 * storefront's dev server under both local host names.
 */
export const localCorsOrigins = (stack = stackNumber()) =>
  process.env.MP_CORS_ORIGINS ??
  `http://localhost:${storefrontPortOf(stack)},http://127.0.0.1:${storefrontPortOf(stack)}`;

/**
 * The stack's trace viewer (Zipkin's UI, its API and the collector the sidecars send spans to):
 * 9411 + N, Zipkin's own port for stack 0; 9411–9419 meets no other port of stacks 0–8.
 */
export const traceViewerPortOf = (stack = stackNumber()) =>
  Number(process.env.MP_TRACE_VIEWER_PORT ?? 9411 + stack);
