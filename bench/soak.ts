/**
 * The soak: orders at a steady rate (half the measured capacity) for ten minutes, through the
 * gateway, the saga running by itself (the stack up with PG_SANDBOX_AUTO_APPROVE=true
 * CARRIER_SANDBOX_AUTO_ADVANCE=true). Prints the RSS of every process of the stack at the start and
 * the end, each app's live heap, the outbox backlog and the saga's lag sampled every 30 s, and the
 * errors; exits 1 when anything failed or grew by more than 10 %:
 * - an app (node): its live heap (the kit's `nodejs_heap_live_bytes`, the heap left after the
 *   latest full collection, plus external memory; the lowest of the samples taken every 10 s) in
 *   the run's first two minutes against its last two. An app's RSS follows the heap V8 keeps
 *   reserved, which rises and falls with the allocation rate, not with what is live
 *   (docs/reliability.md, the soak), so it is reported, not checked;
 * - any other process (the sidecars, the gateway, Sentry, the supervisor): its RSS. The trace
 *   viewer (Zipkin, local only) is reported only: its heap is capped by -Xmx and its store at the
 *   newest 100 000 spans, so it fills up to that by design.
 *   MP_STACK=N node bench/soak.ts      SOAK_RATE (orders/s, 7) SOAK_SECONDS (600) SOAK_BUYERS (40) SOAK_WARMUP (s, 120)
 */
import { schemaOf, serviceNames } from '@mp/contracts';
import pg from 'pg';
import { databaseOf, portsOf } from '../scripts/stack/ports.ts';
import { rss } from './lib/cpu.ts';
import { placeOrders } from './lib/load.ts';
import {
  address,
  adminToken,
  fmt,
  login,
  buyers as makeBuyers,
  product,
  verifiedSeller,
} from './lib/market.ts';

const rate = Number(process.env.SOAK_RATE ?? 7);
const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const base = process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432';
const pools = new Map(
  serviceNames.map((s) => [
    s,
    new pg.Pool({
      connectionString: `${base}/${databaseOf(s)}`,
      max: 1,
      options: `-c search_path=${schemaOf(s)}`,
    }),
  ]),
);

/** Each app's live heap in MB (after the latest full collection, plus external memory) and what V8 holds reserved, from its metrics. */
async function heaps(): Promise<Map<string, { live: number; reserved: number }>> {
  const out = new Map<string, { live: number; reserved: number }>();
  await Promise.all(
    serviceNames.map(async (s) => {
      try {
        const text = await (
          await fetch(`http://127.0.0.1:${portsOf(s).appMetrics}/metrics`, {
            signal: AbortSignal.timeout(5000),
          })
        ).text();
        const metric = (name: string) =>
          Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]) / 1048576;
        // The heap left after the latest full collection (the kit's gauge; 0 before the first).
        const live = metric('nodejs_heap_live_bytes');
        if (!(live > 0)) return;
        out.set(s, {
          live: live + metric('nodejs_external_memory_bytes'),
          reserved: metric('nodejs_heap_size_total_bytes'),
        });
      } catch {}
    }),
  );
  return out;
}

/** The lowest live heap of each app among the samples taken in [from, to) seconds of the run. */
function floor(
  samples: { at: number; heaps: Awaited<ReturnType<typeof heaps>> }[],
  from: number,
  to: number,
) {
  const out = new Map<string, number>();
  for (const { heaps } of samples.filter((x) => x.at >= from && x.at < to))
    for (const [name, h] of heaps) if (h.live < (out.get(name) ?? Infinity)) out.set(name, h.live);
  return out;
}

async function backlog() {
  let unsent = 0;
  let oldest = 0;
  for (const [, pool] of pools) {
    const { rows } = await pool.query<{ n: number; age: number | null }>(
      `select count(*)::int as n, extract(epoch from now() - min(created_at))::float as age from outbox where sent_at is null`,
    );
    unsent += rows[0]!.n;
    oldest = Math.max(oldest, rows[0]!.age ?? 0);
  }
  // The saga's lag: orders placed more than 10 s ago and not yet PREPARING.
  const { rows } = await pools
    .get('order')!
    .query<{ n: number }>(
      `select count(*)::int as n from orders where status in ('PENDING_PAYMENT','PAID') and created_at < now() - interval '10 seconds'`,
    );
  return { unsent, oldest, behind: rows[0]!.n };
}

const admin = await adminToken();
const seller = await verifiedSeller(admin);
const item = await product(admin, seller, { name: '소크 운동화', price: 29_000, stock: 1_000_000 });
const buyers = await makeBuyers(Number(process.env.SOAK_BUYERS ?? 40));
const tokens = buyers.map((b) => b.token);
// Access tokens live ten minutes (auth's ACCESS_TOKEN_TTL_SECONDS) and the soak runs longer: the
// buyers sign in again every five, one at a time (twenty argon2 checks at once timed out on a loaded
// machine), each retried until it succeeds, their new tokens replacing the old ones in place.
async function signInAgain() {
  for (const [i, b] of buyers.entries())
    for (let attempt = 1; ; attempt++) {
      try {
        tokens[i] = await login(b.email!);
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
}
const relogin = setInterval(
  () => void signInAgain().catch((err) => console.error('signing the buyers in again failed', err)),
  300_000,
);
const body = {
  items: [{ productId: item.productId, sku: item.sku, quantity: 1 }],
  shippingAddress: address,
  paymentMethod: 'card',
};
// Warm-up, so the start is measured on a stack that has served orders at this rate long enough
// for its heaps to reach their working size (JIT, pools, caches, V8's old generation): growth after
// that is what a leak would show. SOAK_WARMUP seconds (120).
await placeOrders({ tokens, body, connections: 4, duration: Number(process.env.SOAK_WARMUP ?? 120), rate });
const since = new Date();
const start = rss();
const samples: Awaited<ReturnType<typeof backlog>>[] = [];
const sampler = setInterval(() => backlog().then((b) => samples.push(b)), 30_000);
const heapSamples: { at: number; heaps: Awaited<ReturnType<typeof heaps>> }[] = [];
const sampleHeaps = () =>
  void heaps().then((h) => heapSamples.push({ at: (Date.now() - since.getTime()) / 1000, heaps: h }));
sampleHeaps();
const heapSampler = setInterval(sampleHeaps, 10_000);
const run = await placeOrders({ tokens, body, connections: 8, duration: seconds, rate });
clearInterval(sampler);
clearInterval(heapSampler);
clearInterval(relogin);
await new Promise((r) => setTimeout(r, 15_000));
const end = rss();
const last = await backlog();
const dead = await pools
  .get('admin')!
  .query<{ n: number }>('select count(*)::int as n from event_log where dead_letter and received_at >= $1', [
    since,
  ]);
for (const [, pool] of pools) await pool.end();

const errors = run.requests - run.created.length;
const window = Math.min(120, seconds / 3);
const [firstFloor, lastFloor] = [
  floor(heapSamples, 0, window),
  floor(heapSamples, seconds - window, seconds + 60),
];
// The floor in each window of the run, to see whether it levels off.
const windows = Array.from({ length: Math.ceil(seconds / window) }, (_, i) =>
  floor(heapSamples, i * window, (i + 1) * window),
);
const reserved = (at: 'first' | 'last') => (at === 'first' ? heapSamples[0] : heapSamples.at(-1))?.heaps;
const growth = (a: number, b: number) => ((b - a) / a) * 100;
const rows = [...start].map(([name, mb]) => {
  const after = end.get(name) ?? Number.NaN;
  const app = firstFloor.has(name);
  const [from, to] = app ? [firstFloor.get(name)!, lastFloor.get(name) ?? Number.NaN] : [mb, after];
  return {
    name,
    mb,
    after,
    checked: name === 'trace-viewer' ? Number.NaN : growth(from, to),
    line: app
      ? `  live heap ${fmt(from, 0).padStart(4)} → ${fmt(to, 0).padStart(4)}  ${growth(from, to) >= 0 ? '+' : ''}${fmt(growth(from, to))} %   (V8 reserved ${fmt(reserved('first')?.get(name)?.reserved ?? Number.NaN, 0)} → ${fmt(reserved('last')?.get(name)?.reserved ?? Number.NaN, 0)}; floors ${windows.map((w) => fmt(w.get(name) ?? Number.NaN, 0)).join(' ')})`
      : name === 'trace-viewer'
        ? '  (not checked: capped by -Xmx and its span limit)'
        : '',
  };
});
const grown = rows.filter((r) => r.name !== 'trace-viewer' && !(r.checked <= 10));
console.log(`
soak: ${fmt(run.perSecond)} orders/s for ${fmt(run.seconds)} s (asked ${rate}/s) → ${run.created.length} orders; answers ${JSON.stringify(run.byStatus)}
  latency ms            p50 ${fmt(run.latency.p50)} p95 ${fmt(run.latency.p95)} p99 ${fmt(run.latency.p99)}
  outbox backlog        max ${Math.max(0, ...samples.map((s) => s.unsent))} events, oldest ${fmt(Math.max(0, ...samples.map((s) => s.oldest)))} s; at the end ${last.unsent}
  saga behind (>10 s)   max ${Math.max(0, ...samples.map((s) => s.behind))} orders; at the end ${last.behind}
  errors                ${errors} non-201 answers, ${dead.rows[0]!.n} dead letters
  RSS MB (start → end)  total ${fmt(
    [...start.values()].reduce((a, b) => a + b, 0),
    0,
  )} → ${fmt(
    [...end.values()].reduce((a, b) => a + b, 0),
    0,
  )}; an app's live heap MB: the floor of its first ${fmt(window, 0)} s → its last ${fmt(window, 0)} s
${rows.map((r) => `    ${r.name.padEnd(20)} RSS ${fmt(r.mb, 0).padStart(5)} → ${fmt(r.after, 0).padStart(5)}  ${growth(r.mb, r.after) >= 0 ? '+' : ''}${fmt(growth(r.mb, r.after))} %${r.line}`).join('\n')}
  grown > 10 % (an app's live heap, another process's RSS) ${grown.length ? grown.map((r) => r.name).join(', ') : 'none'}
`);
process.exit(grown.length === 0 && errors === 0 && dead.rows[0]!.n === 0 && last.behind === 0 ? 0 : 1);
