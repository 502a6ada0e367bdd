/**
 * The faults the campaign injects into a running local stack: kill -9 of an app or a sidecar (the
 * runner's supervisor starts it again), the broker stopped and started, PostgreSQL restarted, and
 * every event published twice for a while (each outbox's sent rows put back in line, so the relays
 * publish them again through the real broker with the same event id).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceName, schemaOf, serviceNames } from '@mp/contracts';
import pg from 'pg';
import { databaseOf, runDir } from '../../scripts/stack/ports.ts';

const root = new URL('../../', import.meta.url).pathname;
const stack = Number(process.env.MP_STACK ?? 0);

export { runDir };
export const pgBase = process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432';

export interface Fault {
  at: string;
  kind: string;
  target: string;
}

function pidOf(name: string): number | undefined {
  const file = join(runDir, 'pids', `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** SIGKILL to an app (`order`) or a sidecar (`order-dapr`); false if it was not running. */
export function kill9(name: string): boolean {
  const pid = pidOf(name);
  if (!pid) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}

export async function waitUp(name: string, timeoutMs = 120_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pidOf(name)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Runs a function of scripts/lib/infra.sh (stop_redis, start_redis, …) for this stack. */
export function infra(fn: string): void {
  execFileSync('bash', ['-c', `source scripts/lib/infra.sh && ${fn}`], { cwd: root, stdio: 'ignore' });
}

export function restartPostgres(): void {
  infra('stop_postgres && start_postgres');
}

/** Every service's own database connection (its schema). */
export function pools(): Map<ServiceName, pg.Pool> {
  return new Map(
    serviceNames.map((s) => [
      s,
      new pg.Pool({
        connectionString: `${pgBase}/${databaseOf(s)}`,
        max: 2,
        options: `-c search_path=${schemaOf(s)}`,
      }),
    ]),
  );
}

/**
 * Publishes again every event sent in the last `seconds`: the relays pick the rows up as if they
 * had never been sent. Consumers see each of those events twice, through the broker.
 */
export async function republishRecent(db: Map<ServiceName, pg.Pool>, seconds: number): Promise<number> {
  let n = 0;
  for (const [service, pool] of db) {
    const r = await pool.query(
      `update outbox set sent_at = null, next_attempt_at = now() where sent_at > now() - make_interval(secs => $1)`,
      [seconds],
    );
    n += r.rowCount ?? 0;
    await pool.query(`select pg_notify('outbox', $1)`, [schemaOf(service)]);
  }
  return n;
}

export const apps = serviceNames;
export const sidecars = serviceNames.map((s) => `${s}-dapr`);
