/** Starting and stopping the runner's processes, tracked by pid files under .run/pids. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessSpec } from './plan.ts';

export const pidDir = (runDir: string) => join(runDir, 'pids');

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(runDir: string, name: string): number | undefined {
  const file = join(pidDir(runDir), `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && isAlive(pid) ? pid : undefined;
}

/**
 * Starts a process in its own process group, output appended to its log, pid recorded. Unless
 * `keep`, the runner does not wait for it (it outlives the runner; `down` stops it by pid).
 */
export function startProcess(runDir: string, spec: ProcessSpec, cwd: string, keep = false): ChildProcess {
  mkdirSync(dirname(spec.log), { recursive: true });
  mkdirSync(pidDir(runDir), { recursive: true });
  const out = openSync(spec.log, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  if (!child.pid) throw new Error(`could not start ${spec.name}`);
  writeFileSync(join(pidDir(runDir), `${spec.name}.pid`), String(child.pid));
  if (!keep) child.unref();
  return child;
}

/** Sends SIGTERM to the named processes, waits up to `graceMs`, then SIGKILLs what is left. */
export async function stopProcesses(runDir: string, names: string[], graceMs: number): Promise<void> {
  const live = names
    .map((name) => ({ name, pid: readPid(runDir, name) }))
    .filter((p): p is { name: string; pid: number } => p.pid !== undefined);
  for (const p of live) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.some((p) => isAlive(p.pid)) && Date.now() < deadline) await sleep(100);
  for (const p of live) if (isAlive(p.pid)) signal(p.pid, 'SIGKILL');
  for (const name of names) rmSync(join(pidDir(runDir), `${name}.pid`), { force: true });
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    // The whole group: a process and anything it spawned.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {}
  }
}

export function recordedNames(runDir: string): string[] {
  if (!existsSync(pidDir(runDir))) return [];
  return readdirSync(pidDir(runDir))
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -4));
}

/** Polls `url` until it answers 200, or gives up after `timeoutMs`. */
export async function waitHttp(url: string, timeoutMs: number, alive?: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (alive && !alive()) return false;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return true;
    } catch {}
    await sleep(250);
  }
  return false;
}
