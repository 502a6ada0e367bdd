/**
 * CPU time spent by the stack's processes (apps, sidecars, gateway, Redis, and the PostgreSQL
 * backends serving this stack's databases), and their memory, read from /proc. Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { stackNumber } from '../../scripts/stack/ports.ts';

const TICKS = 100; // USER_HZ on Linux
const root = join(import.meta.dirname, '..', '..');
const runDir = process.env.MP_RUN ?? join(root, stackNumber() ? `.run/stack-${stackNumber()}` : '.run');

/** A process's parent and the CPU seconds it has spent so far (user + system). */
export function stat(pid: number): { ppid: number; cpu: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICKS };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** The runner's processes (pid files) with their descendants (nginx workers), and Redis on this stack's port. */
export function stackPids(): number[] {
  const roots = readdirSync(join(runDir, 'pids'))
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(join(runDir, 'pids', f), 'utf8').trim()))
    .filter(Boolean);
  const parents = new Map<number, number>();
  for (const pid of allPids()) {
    const s = stat(pid);
    if (s) parents.set(pid, s.ppid);
  }
  const mine = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (mine.has(ppid) && !mine.has(pid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  const redisPort = 6379 + stackNumber();
  for (const pid of parents.keys()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('redis-server') && cmd.includes(`:${redisPort}`)) mine.add(pid);
    } catch {}
  }
  return [...mine];
}

/** PostgreSQL backends connected to this stack's databases. */
async function pgBackends(): Promise<number[]> {
  const suffix = stackNumber() ? `_s${stackNumber()}` : '';
  const base = process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432';
  const c = new pg.Client({ connectionString: `${base}/postgres` });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number; datname: string }>(
      'select pid, datname from pg_stat_activity where datname is not null',
    );
    return rows
      .filter((r) => (suffix ? r.datname.endsWith(suffix) : !/_s\d$/.test(r.datname)))
      .map((r) => r.pid);
  } finally {
    await c.end();
  }
}

export interface CpuSample {
  byPid: Map<number, number>;
  names: Map<number, string>;
}

/** What a process is, for the breakdown: the service of an app or sidecar, or the program. */
function nameOf(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const app = cmd.find((a) => a.includes('/services/') && a.endsWith('/src/main.ts'));
    if (app) return app.split('/services/')[1]!.split('/')[0]!;
    const id = cmd.indexOf('--app-id');
    if (id >= 0) return `${cmd[id + 1]} (daprd)`;
    if (cmd[0]?.includes('postgres')) return 'postgres';
    if (cmd[0]?.startsWith('redis')) return 'redis';
    if (cmd[0]?.includes('nginx')) return 'gateway (nginx)';
    return cmd[0]?.split('/').at(-1) ?? String(pid);
  } catch {
    return String(pid);
  }
}

export async function sampleCpu(): Promise<CpuSample> {
  const pids = [...stackPids(), ...(await pgBackends())];
  const byPid = new Map<number, number>();
  const names = new Map<number, string>();
  for (const pid of pids) {
    const s = stat(pid);
    if (s) byPid.set(pid, s.cpu);
    names.set(pid, nameOf(pid));
  }
  return { byPid, names };
}

/** CPU seconds between two samples by process kind, largest first. */
export function cpuBreakdown(a: CpuSample, b: CpuSample, top = 8): [string, number][] {
  const by = new Map<string, number>();
  for (const [pid, cpu] of b.byPid) {
    const name = b.names.get(pid) ?? String(pid);
    by.set(name, (by.get(name) ?? 0) + cpu - (a.byPid.get(pid) ?? 0));
  }
  return [...by].sort((x, y) => y[1] - x[1]).slice(0, top);
}

/** CPU seconds spent between two samples (processes that appeared in between count in full). */
export function cpuBetween(a: CpuSample, b: CpuSample): number {
  let sum = 0;
  for (const [pid, cpu] of b.byPid) sum += cpu - (a.byPid.get(pid) ?? 0);
  return sum;
}

/** RSS in MB of every process the runner started, by its name (`order`, `order-dapr`, …). */
export function rss(): Map<string, number> {
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
