/**
 * Event delivery on the running stack's broker profile: the latency of one event (published
 * through the user sidecar, as the outbox relay does → delivered by the broker → committed by the
 * stats consumer in PostgreSQL) and the throughput of a burst. Run once per profile:
 *
 *   MP_STACK=4 MP_PROFILE=rabbitmq scripts/up.sh --detach
 *   MP_STACK=4 MP_PROFILE=rabbitmq node bench/brokers.ts [samples=40] [burst=400]
 *
 * Prints the figures; docs/benchmarks.md records them. Bounded: it stops by itself.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildEvent } from '@mp/platform';
import pg from 'pg';
import { databaseUrlOf } from '../scripts/stack/ports.ts';
import { publishThroughSidecar } from '../scripts/stack/sidecar.ts';

const samples = Number(process.argv[2] ?? 40);
const burst = Number(process.argv[3] ?? 400);
const profile = process.env.MP_PROFILE ?? 'redis';
const db = new pg.Client({ connectionString: databaseUrlOf('stats') });
await db.connect();

/** A day far in the past that no other sign-up uses (years from `from`, `span` of them). */
function uniqueDay(from: number, span: number): Date {
  const year = from + Math.floor(Math.random() * span);
  return new Date(Date.UTC(year, Math.floor(Math.random() * 12), 1 + Math.floor(Math.random() * 28), 3));
}

function signup(day: Date) {
  return buildEvent('user', 'bench', 'user.created', {
    userId: randomUUID(),
    email: `bench-${randomUUID().slice(0, 8)}@bench.example.kr`,
    name: '벤치',
    role: 'buyer',
    createdAt: day.toISOString(),
  } as never);
}

async function counted(day: Date): Promise<number> {
  const { rows } = await db.query(
    `select coalesce(sum(count), 0)::int as n from stats.daily_signups where day = ($1::timestamptz at time zone 'Asia/Seoul')::date`,
    [day.toISOString()],
  );
  return rows[0].n;
}

async function until(day: Date, n: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await counted(day)) < n) {
    if (performance.now() > deadline) throw new Error(`only ${await counted(day)} of ${n} counted`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const pct = (xs: number[], p: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

// Latency: one event at a time.
const latencies: number[] = [];
for (let i = 0; i < samples; i++) {
  const day = uniqueDay(1000, 400);
  const event = signup(day);
  const t0 = performance.now();
  await publishThroughSidecar('user', 'user.created', event);
  await until(day, 1, 30_000);
  latencies.push(performance.now() - t0);
}

// Throughput: a burst of events, 16 publishes in flight, each on its own day of a range no other
// run uses (so that consumers do not queue on one counter row).
const first = uniqueDay(1400, 300);
const dayOf = (i: number) => new Date(first.getTime() + i * 86_400_000);
const events = Array.from({ length: burst }, (_, i) => signup(dayOf(i)));
const countedRange = async () => {
  const { rows } = await db.query(
    `select coalesce(sum(count), 0)::int as n from stats.daily_signups
     where day between ($1::timestamptz at time zone 'Asia/Seoul')::date and ($2::timestamptz at time zone 'Asia/Seoul')::date`,
    [first.toISOString(), dayOf(burst - 1).toISOString()],
  );
  return rows[0].n as number;
};
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < events.length) await publishThroughSidecar('user', 'user.created', events[next++]!);
  }),
);
const published = performance.now() - t0;
const deadline = t0 + 180_000;
while ((await countedRange()) < burst) {
  if (performance.now() > deadline) throw new Error(`only ${await countedRange()} of ${burst} counted`);
  await new Promise((r) => setTimeout(r, 5));
}
const delivered = performance.now() - t0;
await db.end();

const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(`profile ${profile}: one event, publish → committed by the consumer (${samples} samples)`);
console.log(
  `  p50 ${ms(pct(latencies, 50))}   p95 ${ms(pct(latencies, 95))}   max ${ms(Math.max(...latencies))}`,
);
console.log(`profile ${profile}: burst of ${burst} events (16 publishes in flight)`);
console.log(
  `  published in ${ms(published)}; all committed after ${ms(delivered)} → ${((burst / delivered) * 1000).toFixed(0)} events/s`,
);
