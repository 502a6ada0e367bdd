/**
 * What the stack spends when nothing happens: CPU by process and PostgreSQL statements over a window
 * with no traffic.
 *   MP_STACK=3 node bench/idle.ts [seconds=60]
 * Leave the stack idle for a minute first (a fresh stack's start-up and a bench's backlog settle).
 * Prints the CPU seconds per second of every process kind (apps, sidecars, gateway, Redis, this
 * stack's PostgreSQL backends) and the statements per second by database and by statement, from
 * pg_stat_statements (differences of `calls`, nothing reset).
 */

import { serviceNames } from '@mp/contracts';
import pg from 'pg';
import { databaseOf } from '../scripts/stack/ports.ts';
import { cpuBetween, cpuBreakdown, sampleCpu } from './lib/cpu.ts';
import { fmt } from './lib/market.ts';

const seconds = Number(process.argv[2] ?? 60);
const stats = new pg.Client({
  connectionString: `${process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432'}/postgres`,
});
await stats.connect();
const databases = [...new Set(serviceNames.map((s) => databaseOf(s)))];

type Row = { datname: string; queryid: string; query: string; calls: string };
async function statements(): Promise<Map<string, Row> | undefined> {
  try {
    const { rows } = await stats.query<Row>(
      `select d.datname, s.queryid::text, s.query, s.calls::text
       from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = any($1)`,
      [databases],
    );
    return new Map(rows.map((r) => [`${r.datname}:${r.queryid}`, r]));
  } catch {
    return undefined;
  }
}

const before = await statements();
const from = await sampleCpu();
const start = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const to = await sampleCpu();
const elapsed = (performance.now() - start) / 1000;
const after = await statements();
await stats.end();

const total = cpuBetween(from, to) / elapsed;
console.log(`idle stack over ${fmt(elapsed, 1)} s: ${fmt(total, 4)} CPU s/s`);
for (const [name, cpu] of cpuBreakdown(from, to, 100))
  if (cpu > 0) console.log(`  ${name.padEnd(28)} ${fmt((cpu / elapsed) * 1000, 2).padStart(7)} CPU ms/s`);

if (before && after) {
  const byDb = new Map<string, number>();
  const byQuery: [number, Row][] = [];
  for (const [key, row] of after) {
    const n = Number(row.calls) - Number(before.get(key)?.calls ?? 0);
    if (n <= 0) continue;
    byDb.set(row.datname, (byDb.get(row.datname) ?? 0) + n);
    byQuery.push([n, row]);
  }
  const sum = [...byDb.values()].reduce((a, b) => a + b, 0);
  console.log(`statements: ${fmt(sum / elapsed, 2)}/s`);
  for (const [db, n] of [...byDb].sort((a, b) => b[1] - a[1]))
    console.log(`  ${db.padEnd(28)} ${fmt(n / elapsed, 2).padStart(7)}/s`);
  console.log('by statement (calls in the window):');
  for (const [n, row] of byQuery.sort((a, b) => b[0] - a[0]).slice(0, 30))
    console.log(
      `  ${String(n).padStart(6)}  ${row.datname}  ${row.query.replace(/\s+/g, ' ').slice(0, 140)}`,
    );
} else {
  console.log('statements: not counted (no pg_stat_statements)');
}
