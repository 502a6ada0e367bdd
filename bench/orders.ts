/**
 * Order placement through the gateway, and the saga it sets off.
 *   MP_STACK=3 node bench/orders.ts            (the stack up with PG_SANDBOX_AUTO_APPROVE=true)
 * Prints: placement throughput and p50/p95/p99 latency under load; the time for an order to reach
 * PAID and PREPARING (saga latency), at low load and under load; the CPU seconds every process of
 * the stack (apps, sidecars, gateway, Redis, this stack's PostgreSQL backends) spent per order.
 * BENCH_CONNECTIONS (32) and BENCH_SECONDS (20) tune the load.
 */

import { serviceNames } from '@mp/contracts';
import pg from 'pg';
import { databaseOf } from '../scripts/stack/ports.ts';
import { cpuBetween, cpuBreakdown, sampleCpu } from './lib/cpu.ts';
import { placeOrders } from './lib/load.ts';
import {
  address,
  adminToken,
  call,
  fmt,
  buyers as makeBuyers,
  percentiles,
  product,
  verifiedSeller,
} from './lib/market.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const db = new pg.Client({
  connectionString: `${process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432'}/${databaseOf('order')}`,
});
await db.connect();

/**
 * Statements PostgreSQL ran for this stack's databases (pg_stat_statements `calls`, the explicit
 * commits apart): a count that does not depend on the machine's load. Undefined where the
 * extension is not loaded.
 */
const stats = new pg.Client({
  connectionString: `${process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432'}/postgres`,
});
await stats.connect();
const databases = [...new Set(serviceNames.map((s) => databaseOf(s)))];
async function statements(): Promise<{ calls: number; commits: number } | undefined> {
  try {
    const { rows } = await stats.query<{ calls: string; commits: string }>(
      `select coalesce(sum(calls), 0) as calls, coalesce(sum(calls) filter (where query = 'commit'), 0) as commits
       from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = any($1)`,
      [databases],
    );
    return { calls: Number(rows[0]!.calls), commits: Number(rows[0]!.commits) };
  } catch {
    return undefined;
  }
}

const admin = await adminToken();
const seller = await verifiedSeller(admin);
const item = await product(admin, seller, { name: '벤치 운동화', price: 39_000, stock: 1_000_000 });
const buyers = await makeBuyers(40);
const tokens = buyers.map((b) => b.token);
const body = {
  items: [{ productId: item.productId, sku: item.sku, quantity: 1 }],
  shippingAddress: address,
  paymentMethod: 'card',
};

/** Saga latency of orders: from placement to PAID and to PREPARING, from their histories. */
async function sagaOf(ids: string[]) {
  const { rows } = await db.query<{ order_id: string; to_status: string; at: Date }>(
    `select order_id, to_status, at from orders.order_events where order_id = any($1) and to_status in ('PENDING_PAYMENT','PAID','PREPARING')`,
    [ids],
  );
  const by = new Map<string, Record<string, number>>();
  for (const r of rows) by.set(r.order_id, { ...by.get(r.order_id), [r.to_status]: r.at.getTime() });
  const paid: number[] = [];
  const preparing: number[] = [];
  for (const t of by.values()) {
    if (t.PAID && t.PENDING_PAYMENT) paid.push(t.PAID - t.PENDING_PAYMENT);
    if (t.PREPARING && t.PENDING_PAYMENT) preparing.push(t.PREPARING - t.PENDING_PAYMENT);
  }
  return { paid: percentiles(paid), preparing: percentiles(preparing) };
}

async function settled(ids: string[], timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from orders.orders where id = any($1) and status <> 'PREPARING'`,
      [ids],
    );
    if (rows[0]!.n === 0) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

// Headless payments must be on: the saga runs by itself.
const probe = await call('POST', '/api/v1/orders', { token: tokens[0], body });
if (!(await settled([probe.body.id], 15_000))) {
  console.error('orders are not paid by themselves: restart the stack with PG_SANDBOX_AUTO_APPROVE=true');
  process.exit(1);
}

// Low load: one order at a time.
const quiet: string[] = [];
for (let i = 0; i < 50; i++) {
  quiet.push((await call('POST', '/api/v1/orders', { token: tokens[i % tokens.length], body })).body.id);
  await new Promise((r) => setTimeout(r, 100));
}
await settled(quiet);
const quietSaga = await sagaOf(quiet);

// Warm-up; the stack's idle CPU (pollers, relays) as a baseline; then the measured run.
await placeOrders({ tokens, body, connections: 8, duration: 5 });
await settled(
  (await db.query<{ id: string }>(`select id from orders.orders where status = 'PENDING_PAYMENT'`)).rows.map(
    (r) => r.id,
  ),
  30_000,
);
const idleFrom = await sampleCpu();
const idleStatements = await statements();
const idleStart = performance.now();
await new Promise((r) => setTimeout(r, 10_000));
const idlePerSecond = cpuBetween(idleFrom, await sampleCpu()) / ((performance.now() - idleStart) / 1000);
const statementsBefore = await statements();
const idleSeconds = (performance.now() - idleStart) / 1000;
const before = await sampleCpu();
const runStart = performance.now();
const run = await placeOrders({ tokens, body, connections, duration: seconds });
const ids = run.created.map((c) => c.id);
const drained = await settled(ids);
const after = await sampleCpu();
const runSeconds = (performance.now() - runStart) / 1000;
const statementsAfter = await statements();
const loadSaga = await sagaOf(ids);
const cpu = cpuBetween(before, after);
const net = cpu - idlePerSecond * runSeconds;
await db.end();
await stats.end();

/** Statements and commits per order, and the same less what the idle stack runs in that time. */
function perOrder(): string {
  if (!idleStatements || !statementsBefore || !statementsAfter) return 'not counted (no pg_stat_statements)';
  const n = Math.max(1, ids.length);
  const idle = (k: 'calls' | 'commits') => (statementsBefore[k] - idleStatements[k]) / idleSeconds;
  const run = (k: 'calls' | 'commits') => statementsAfter[k] - statementsBefore[k];
  const net = (k: 'calls' | 'commits') => (run(k) - idle(k) * runSeconds) / n;
  return `${fmt(run('calls') / n, 1)} statements (${fmt(run('commits') / n, 1)} commits) per order; less the idle stack (${fmt(idle('calls'), 1)} statements/s) → ${fmt(net('calls'), 1)} (${fmt(net('commits'), 1)} commits)`;
}

const lat = run.latency;
console.log(`
order placement (POST /api/v1/orders through the gateway, ${connections} connections, ${seconds} s)
  orders placed        ${run.created.length} in ${fmt(run.seconds)} s → ${fmt(run.perSecond)} orders/s   (answers: ${JSON.stringify(run.byStatus)})
  latency (ms)         p50 ${fmt(lat.p50)}  p95 ${fmt(lat.p95)}  p99 ${fmt(lat.p99)}  max ${fmt(lat.max)}
saga latency (placed → PAID / → PREPARING, ms; the sandbox PG pays by itself)
  one at a time        PAID p50 ${fmt(quietSaga.paid.p50)} p95 ${fmt(quietSaga.paid.p95)} p99 ${fmt(quietSaga.paid.p99)} | PREPARING p50 ${fmt(quietSaga.preparing.p50)} p95 ${fmt(quietSaga.preparing.p95)} p99 ${fmt(quietSaga.preparing.p99)}  (n=${quietSaga.paid.n})
  under the load above PAID p50 ${fmt(loadSaga.paid.p50)} p95 ${fmt(loadSaga.paid.p95)} p99 ${fmt(loadSaga.paid.p99)} | PREPARING p50 ${fmt(loadSaga.preparing.p50)} p95 ${fmt(loadSaga.preparing.p95)} p99 ${fmt(loadSaga.preparing.p99)}  (n=${loadSaga.paid.n}${drained ? '' : ', not all settled'})
CPU (all the stack's processes, placement through PREPARING)
  ${fmt(cpu, 2)} CPU s in ${fmt(runSeconds)} s for ${ids.length} orders → ${fmt((cpu / Math.max(1, ids.length)) * 1000, 1)} CPU ms per order
  less the idle stack (${fmt(idlePerSecond, 3)} CPU s/s: pollers, relays) → ${fmt((net / Math.max(1, ids.length)) * 1000, 1)} CPU ms per order
  by process: ${cpuBreakdown(before, after, Number(process.env.BENCH_TOP ?? 10))
    .map(([n, s]) => `${n} ${fmt((s / Math.max(1, ids.length)) * 1000, 1)} ms`)
    .join(', ')}
PostgreSQL (pg_stat_statements, the stack's databases)
  ${perOrder()}
`);
process.exit(0);
