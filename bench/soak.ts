/**
 * The soak: orders at a steady rate (half the measured capacity) for ten minutes, through the
 * gateway, the saga running by itself (the stack up with PG_SANDBOX_AUTO_APPROVE=true
 * CARRIER_SANDBOX_AUTO_ADVANCE=true). Prints the RSS of every process of the stack at the start and
 * the end, the outbox backlog and the saga's lag sampled every 30 s, and the errors; exits 1 when a
 * process grew by more than 10 % or anything failed.
 *   MP_STACK=N node bench/soak.ts      SOAK_RATE (orders/s, 7) SOAK_SECONDS (600) SOAK_BUYERS (40) SOAK_WARMUP (s, 120)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaOf, serviceNames } from '@mp/contracts';
import pg from 'pg';
import { databaseOf, stackNumber } from '../scripts/stack/ports.ts';
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
const root = join(import.meta.dirname, '..');
const runDir = process.env.MP_RUN ?? join(root, stackNumber() ? `.run/stack-${stackNumber()}` : '.run');
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

/** RSS in MB of every process the runner started, by its name. */
function rss(): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of readdirSync(join(runDir, 'pids')).filter((f) => f.endsWith('.pid'))) {
    const pid = readFileSync(join(runDir, 'pids', f), 'utf8').trim();
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) out.set(f.slice(0, -4), Number(kb) / 1024);
    } catch {}
  }
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
// buyers sign in again every five, their new tokens replacing the old ones in place.
const relogin = setInterval(
  () =>
    void Promise.all(buyers.map(async (b, i) => (tokens[i] = await login(b.email!)))).catch((err) =>
      console.error('signing the buyers in again failed', err),
    ),
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
const run = await placeOrders({ tokens, body, connections: 8, duration: seconds, rate });
clearInterval(sampler);
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
const rows = [...start].map(([name, mb]) => {
  const after = end.get(name) ?? Number.NaN;
  return { name, mb, after, growth: ((after - mb) / mb) * 100 };
});
const grown = rows.filter((r) => !(r.growth <= 10));
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
  )}
${rows.map((r) => `    ${r.name.padEnd(20)} ${fmt(r.mb, 0).padStart(5)} → ${fmt(r.after, 0).padStart(5)}  ${r.growth >= 0 ? '+' : ''}${fmt(r.growth)} %`).join('\n')}
  processes grown > 10 % ${grown.length ? grown.map((r) => r.name).join(', ') : 'none'}
`);
process.exit(grown.length === 0 && errors === 0 && dead.rows[0]!.n === 0 && last.behind === 0 ? 0 : 1);
