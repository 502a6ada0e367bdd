/**
 * The local trace viewer: each stack's own port, apart from every other port of every stack on
 * the machine, and every sidecar's Configuration pointed at it.
 */
import { serviceNames } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { localTracing, traceViewerSpec } from './plan.ts';
import { gatewayPortOf, portsOf, sentryPortsOf, storefrontPortOf, traceViewerPortOf } from './ports.ts';

const stacks = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** Every other port a stack takes (scripts/stack/ports.ts and scripts/lib/infra.sh). */
const otherPorts = (n: number) => [
  ...serviceNames.flatMap((s) => Object.values(portsOf(s, n))),
  ...Object.values(sentryPortsOf(n)),
  gatewayPortOf(n),
  storefrontPortOf(n),
  5432,
  6379 + n, // Redis
  4566 + n, // the AWS emulator
  2525 + n, // the SMTP sink
  8480 + n, // the OIDC sandbox
  5672 + n, // RabbitMQ: AMQP, epmd, distribution
  4369 + n,
  25672 + n,
];

describe('the trace viewer', () => {
  it('has a port per stack that meets no other port of any stack', () => {
    const viewers = stacks.map((n) => traceViewerPortOf(n));
    expect(new Set(viewers).size).toBe(stacks.length);
    const taken = new Set(stacks.flatMap(otherPorts));
    for (const port of viewers) expect(taken.has(port), String(port)).toBe(false);
  });

  it('is where every sidecar sends its spans, and listens on the loopback only', () => {
    const port = traceViewerPortOf();
    expect(localTracing().zipkin.endpointAddress).toBe(`http://127.0.0.1:${port}/api/v2/spans`);
    const spec = traceViewerSpec('/cache/zipkin.jar');
    expect(spec.args).toEqual(
      expect.arrayContaining([
        '/cache/zipkin.jar',
        '--armeria.ports[0].ip=127.0.0.1',
        `--armeria.ports[0].port=${port}`,
      ]),
    );
    expect(spec.env.STORAGE_TYPE).toBe('mem');
  });
});
