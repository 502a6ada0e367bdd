import { readFileSync } from 'node:fs';
import { serviceNames } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { gatewayPortOf, portsOf, sentryPortsOf, storefrontPortOf } from './ports.ts';

const stacks = [0, 1, 2, 3, 4, 5, 6, 7, 8];

const infra = readFileSync(new URL('../lib/infra.sh', import.meta.url), 'utf8');
/** The infrastructure's ports shifted by the stack (scripts/lib/infra.sh: `MP_X_PORT=…$((base + MP_STACK))`). */
const infraPorts = (stack: number) =>
  [...infra.matchAll(/^MP_\w+_PORT="[^"\n]*\$\(\((\d+) \+ MP_STACK\)\)/gm)].map((m) => Number(m[1]) + stack);
/** …and the ones every stack shares (PostgreSQL). */
const sharedPorts = [...infra.matchAll(/_PORT:-(\d+)\}/g)].map((m) => Number(m[1]));

describe('the ports of the local stacks', () => {
  it('never meet: no two services, stacks or kinds of port share one, infrastructure included', () => {
    const owner = new Map<number, string>();
    const take = (port: number, what: string) => {
      expect(owner.get(port), `${what} takes ${port}, already ${owner.get(port)}'s`).toBeUndefined();
      owner.set(port, what);
    };
    for (const stack of stacks) {
      for (const name of serviceNames)
        for (const [kind, port] of Object.entries(portsOf(name, stack)))
          take(port, `stack ${stack} ${name} ${kind}`);
      for (const [kind, port] of Object.entries(sentryPortsOf(stack)))
        take(port, `stack ${stack} sentry ${kind}`);
      take(gatewayPortOf(stack), `stack ${stack} gateway`);
      take(storefrontPortOf(stack), `stack ${stack} storefront`);
      for (const port of infraPorts(stack)) take(port, `stack ${stack} infrastructure`);
    }
    for (const port of sharedPorts) take(port, 'shared infrastructure');
    expect(sharedPorts).toEqual([5432]);
    expect(infraPorts(0).sort((a, b) => a - b)).toEqual([2525, 4369, 4566, 5672, 6379, 8480, 25672]);
    // Below Linux's ephemeral range, so an outgoing connection never holds one first.
    expect(Math.max(...owner.keys())).toBeLessThan(32768);
  });

  it("give each app's metrics a port apart from its API and its sidecar's metrics", () => {
    const p = portsOf('order', 3);
    expect(new Set([p.app, p.metrics, p.appMetrics]).size).toBe(3);
  });
});
