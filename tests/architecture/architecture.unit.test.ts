/**
 * What a reviewer would measure of the code's shape, checked on every run of the unit suite:
 * no import circles, no service importing another, no file over 300 lines in services/*\/src, no
 * import from a lower layer back up within a service, bench/ on the public API and the kit only, a
 * service's own benchmarks (services/*\/bench) on that service and the kit.
 *
 * The allow-lists that named the offenders while they were being removed are empty: a new offence
 * fails the suite. Never add to them; mend the offence instead.
 */
import { describe, expect, it } from 'vitest';
import { circles, type Edge, importGraph, lineCount } from './graph.ts';

const graph = importGraph();
const edges: Edge[] = [...graph.values()].flat().filter((e) => e.to !== undefined);
const serviceOf = (file: string): string | undefined => file.match(/^services\/([^/]+)\//)?.[1];

/** Import circles known today; a circle found must lie within one of these (none left). */
const knownCircles: string[][] = [];

/** Files over the limit today, with the length they may not exceed while they are being split (none left). */
const longFiles: Record<string, number> = {};
const MAX_LINES = 300;

/**
 * The layers of a service, top to bottom; a file may import its own layer or one below.
 *  - the composition root (main.ts, service.ts) and the sandboxes build the service;
 *  - routes/ and events/ are its entry points (HTTP, internal HTTP, events);
 *  - context.ts: what the entry points share, built from the config;
 *  - domain/ holds the rules; its outbound adapters (a PG, a carrier, a search backend, storage,
 *    push, SMS, Kakao) sit beside it, on the same layer;
 *  - db/ is the schema and migrations.
 * config.ts (the service's settings and the type of its deps) is read on every layer and stands
 * outside them; the circle check keeps it from reaching back.
 */
function layerOf(file: string): { name: string; rank: number } | undefined {
  const path = file.match(/^services\/[^/]+\/src\/(.*)$/)?.[1];
  if (path === undefined) return undefined;
  const top = path.split('/')[0] as string;
  if (['main.ts', 'service.ts'].includes(path) || top === 'sandbox') return { name: 'root', rank: 5 };
  if (top === 'routes' || top === 'events') return { name: top, rank: 4 };
  if (path === 'config.ts') return undefined;
  if (path === 'context.ts') return { name: path, rank: 3 };
  if (top === 'db') return { name: 'db', rank: 1 };
  return { name: top === 'domain' ? 'domain' : `adapter ${top}`, rank: 2 };
}

/** Imports up the layers known today ("from -> to"; none left). */
const knownUpImports = new Set<string>([]);

/** What bench/ may import besides itself: the kit, the contracts, the client, by package name. */
const benchMayImport = new Set([
  'packages/platform/src/index.ts',
  'packages/platform/src/testing/index.ts',
  'packages/contracts/src/index.ts',
  'packages/client/src/index.ts',
  // Where the local stack listens (the gateway's port of stack N), its per-app tokens, its sidecars.
  'scripts/stack/ports.ts',
  'scripts/stack/secrets.ts',
  'scripts/stack/sidecar.ts',
]);
describe('the architecture', () => {
  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.has('services/order/src/service.ts')).toBe(true);
  });

  it('has no import circles (type-only imports included)', () => {
    const unexpected = circles(graph).filter(
      (circle) => !knownCircles.some((known) => circle.every((file) => known.includes(file))),
    );
    expect(unexpected).toEqual([]);
  });

  it('has no service importing another, and no package importing a service', () => {
    const crossing = edges
      .filter((e) => {
        const target = serviceOf(e.to as string);
        if (target === undefined) return false;
        if (e.from.startsWith('packages/')) return true;
        const source = serviceOf(e.from);
        return source !== undefined && source !== target;
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(crossing).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines in services/*/src`, () => {
    const over = [...graph.keys()]
      .filter((f) => /^services\/[^/]+\/src\//.test(f))
      .map((f) => ({ file: f, lines: lineCount(f) }))
      .filter(({ file, lines }) => lines > (longFiles[file] ?? MAX_LINES))
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(over).toEqual([]);
  });

  it('imports only down the layers within a service (routes/events → domain → db)', () => {
    const up = edges
      .filter((e) => {
        if (serviceOf(e.from) === undefined || serviceOf(e.from) !== serviceOf(e.to as string)) return false;
        const from = layerOf(e.from);
        const to = layerOf(e.to as string);
        return from !== undefined && to !== undefined && to.rank > from.rank;
      })
      .map((e) => `${e.from} -> ${e.to}`)
      .filter((edge) => !knownUpImports.has(edge));
    expect(up).toEqual([]);
  });

  it("has bench/ drive the public API and the kit's testing helpers only", () => {
    const outside = edges
      .filter((e) => e.from.startsWith('bench/') && !(e.to as string).startsWith('bench/'))
      .filter((e) => {
        const to = e.to as string;
        if (benchMayImport.has(to)) return !(to.startsWith('scripts/') || e.specifier.startsWith('@mp/'));
        return true;
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(outside).toEqual([]);
  });

  it("has a service's own benchmarks (services/*/bench) reach only that service and the kit", () => {
    const outside = edges
      .filter((e) => /^services\/[^/]+\/bench\//.test(e.from))
      .filter((e) => {
        const to = e.to as string;
        if (serviceOf(to) === serviceOf(e.from)) return false;
        return !(e.specifier.startsWith('@mp/') && to.startsWith('packages/'));
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(outside).toEqual([]);
  });
});
