import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessSpec } from './plan.ts';
import { readPid, stopProcesses } from './procs.ts';
import { type Supervisor, supervise } from './supervisor.ts';

const sleeper = (name: string, runDir: string, code = 'setInterval(() => {}, 1000)'): ProcessSpec => ({
  name,
  command: process.execPath,
  args: ['-e', code],
  env: {},
  log: join(runDir, 'logs', `${name}.log`),
});

async function until(check: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('the runner supervisor', () => {
  let supervisor: Supervisor | undefined;
  let runDir = '';
  afterEach(async () => {
    await supervisor?.stop();
    await stopProcesses(runDir, ['app', 'crashy'], 2000);
  });

  it('starts a process killed with SIGKILL again and says so', async () => {
    runDir = mkdtempSync(join(tmpdir(), 'mp-supervisor-'));
    const lines: string[] = [];
    supervisor = supervise(runDir, [sleeper('app', runDir)], runDir, {
      log: (l) => lines.push(l),
      pollMs: 20,
      firstBackoffMs: 50,
    });
    const first = readPid(runDir, 'app');
    expect(first).toBeDefined();
    process.kill(first!, 'SIGKILL');
    await until(() => {
      const now = readPid(runDir, 'app');
      return now !== undefined && now !== first;
    });
    expect(supervisor.restarts.get('app')).toBe(1);
    expect(lines.join('\n')).toMatch(/app is down \(SIGKILL\); restart #1 in 0\.05 s/);
  });

  it('backs off longer on each quick failure', async () => {
    runDir = mkdtempSync(join(tmpdir(), 'mp-supervisor-'));
    const lines: string[] = [];
    supervisor = supervise(runDir, [sleeper('crashy', runDir, 'process.exit(3)')], runDir, {
      log: (l) => lines.push(l),
      pollMs: 10,
      firstBackoffMs: 20,
      maxBackoffMs: 80,
    });
    await until(() => (supervisor?.restarts.get('crashy') ?? 0) >= 4);
    const delays = lines.map((l) => Number(/in ([\d.]+) s/.exec(l)?.[1]));
    expect(delays.slice(0, 4)).toEqual([0.02, 0.04, 0.08, 0.08]);
    expect(lines[0]).toContain('exit code 3');
  });

  it('adopts a process that is already running instead of starting a second one', async () => {
    runDir = mkdtempSync(join(tmpdir(), 'mp-supervisor-'));
    const spec = sleeper('app', runDir);
    supervisor = supervise(runDir, [spec], runDir, { log: () => {}, pollMs: 20 });
    const pid = readPid(runDir, 'app');
    await supervisor.stop();
    supervisor = supervise(runDir, [spec], runDir, { log: () => {}, pollMs: 20 });
    await sleep(100);
    expect(readPid(runDir, 'app')).toBe(pid);
    expect(readFileSync(spec.log, 'utf8')).toBe('');
  });
});
