/**
 * Ports of a local stack. MP_STACK=N (0 by default) shifts every port, so that several stacks
 * (a developer's running system and a test run, or parallel work trees) share one machine:
 * app 3001 + 1000·N, sidecar HTTP 3501 + 1000·N, gRPC 20001 + 100·N (internal gRPC 21001 + 100·N),
 * metrics 9101 + 100·N,
 * gateway 8080 + N, Redis 6379 + N; stack N > 0 uses databases suffixed `_sN`.
 */
import { type ServiceName, services } from '@mp/contracts';

export const stackNumber = (): number => {
  const n = Number(process.env.MP_STACK ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 4) throw new Error('MP_STACK must be 0–4');
  return n;
};

export interface Ports {
  app: number;
  daprHttp: number;
  daprGrpc: number;
  daprInternalGrpc: number;
  metrics: number;
}

export function portsOf(name: ServiceName, stack = stackNumber()): Ports {
  const app = services[name].port + 1000 * stack;
  const n = services[name].port - 3000;
  return {
    app,
    daprHttp: 3500 + n + 1000 * stack,
    // Below Linux's ephemeral range (32768–60999): a port there may be held by any outgoing
    // connection (hundreds of sidecar→Redis ones), and daprd then fails to bind it at start.
    daprGrpc: 20000 + n + 100 * stack,
    daprInternalGrpc: 21000 + n + 100 * stack,
    metrics: 9100 + n + 100 * stack,
  };
}

export const gatewayPortOf = (stack = stackNumber()) => Number(process.env.MP_GATEWAY_PORT ?? 8080 + stack);
export const databaseOf = (name: ServiceName, stack = stackNumber()) =>
  stack === 0 ? services[name].database : `${services[name].database}_s${stack}`;
