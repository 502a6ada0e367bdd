/**
 * What the benchmarks share (bench/ and each service's bench/): timing, percentiles, bounded
 * concurrency, the test database.
 */
import { cpuUsage } from 'node:process';

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `jobs` with at most `concurrency` at once; answers each job's latency in ms. */
export async function pool(jobs: (() => unknown)[], concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const t = process.hrtime.bigint();
      await job();
      latencies.push(ms(t));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies.sort((a, b) => a - b);
}

/** Wall time, this process's CPU time and the latencies of a measured step, printed on one line. */
export async function measure<T>(
  what: string,
  fn: () => Promise<{ n: number; unit: string; latencies?: number[]; result?: T }>,
) {
  const cpu = cpuUsage();
  const t = process.hrtime.bigint();
  const r = await fn();
  const wall = ms(t);
  const used = cpuUsage(cpu);
  const lat = r.latencies?.length
    ? `  p50 ${percentile(r.latencies, 50).toFixed(1)} ms  p95 ${percentile(r.latencies, 95).toFixed(1)} ms  p99 ${percentile(r.latencies, 99).toFixed(1)} ms`
    : '';
  console.log(
    `${what.padEnd(58)} ${String(r.n).padStart(6)} ${r.unit.padEnd(11)} ${(wall / 1000).toFixed(2).padStart(7)} s  ${(
      (r.n / wall) * 1000
    ).toFixed(0)} ${r.unit}/s  node CPU ${((used.user + used.system) / 1e6).toFixed(2)} s${lat}`,
  );
  return r.result as T;
}

/** The database the service tests use, from the environment scripts/lib/infra.sh sets. */
export function ensureTestDatabase() {
  process.env.TEST_DATABASE_URL ??= `${process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432'}/marketplace_test`;
}
