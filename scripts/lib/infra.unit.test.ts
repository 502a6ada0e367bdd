/**
 * scripts/lib/infra.sh's pid files: a daemon counts as running only while its pid runs the command
 * recorded beside it, so a pid the kernel handed to another process after the daemon died is not
 * taken for the daemon (start_daemon would otherwise skip starting it, stop_daemon kill a stranger).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const infra = new URL('infra.sh', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mp-infra-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs infra.sh's functions with the daemons' folder in a temporary directory. */
const sh = (script: string) =>
  execFileSync('bash', ['-c', `source "${infra}" && ${script}`], {
    env: { ...process.env, MP_STACK: '0', MP_PGDATA: join(dir, 'pg'), MP_INFRA_RUN: join(dir, 'run') },
    encoding: 'utf8',
  }).trim();
const alive = (pidFile: string) => sh(`daemon_alive "${pidFile}" && echo yes || echo no`);

function running(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}
const pidFile = (name: string, pid: number, cmd?: string[]) => {
  const file = join(dir, `${name}.pid`);
  writeFileSync(file, `${pid}\n`);
  if (cmd) writeFileSync(join(dir, `${name}.cmd`), cmd.map((a) => `${a}\0`).join(''));
  return file;
};

describe('infra.sh daemon pid files', { timeout: 60_000 }, () => {
  it('a live pid running the recorded command is the daemon', () => {
    const pid = running('sleep', ['300']);
    expect(alive(pidFile('mine', pid, ['sleep', '300']))).toBe('yes');
  });

  it('a live pid running something else (the pid reused) is not', () => {
    const pid = running('sleep', ['301']);
    expect(alive(pidFile('reused', pid, ['node', '/srv/sandbox/main.ts']))).toBe('no');
    // Nor a command that only ends like the recorded one in the middle of an argument.
    expect(alive(pidFile('partial', pid, ['p', '301']))).toBe('no');
  });

  it('a script started through its #! line is recognised (its interpreter comes first)', () => {
    const script = join(dir, 'daemon.sh');
    writeFileSync(script, '#!/bin/sh\nsleep 302\nexit 0\n');
    chmodSync(script, 0o755);
    const pid = running(script, ['--port', '1']);
    expect(alive(pidFile('script', pid, [script, '--port', '1']))).toBe('yes');
  });

  it('an old pid file without a command line is trusted on its pid; a dead pid is not', () => {
    const pid = running('sleep', ['303']);
    expect(alive(pidFile('old', pid))).toBe('yes');
    const gone = spawn('true');
    return new Promise<void>((resolve) =>
      gone.on('exit', () => {
        expect(alive(pidFile('dead', gone.pid!, ['true']))).toBe('no');
        resolve();
      }),
    );
  });

  it('start_daemon starts the daemon when its pid file names a reused pid, and records its command', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const stranger = running('sleep', ['304']);
    mkdirSync(join(dir, 'run', 'demo'), { recursive: true });
    const file = join(dir, 'run', 'demo', 'demo.pid');
    writeFileSync(file, `${stranger}\n`);
    writeFileSync(join(dir, 'run', 'demo', 'demo.cmd'), 'node\0demo\0');
    const serve = `require('net').createServer().listen(${port}, '127.0.0.1')`;
    sh(`start_daemon demo ${port} "the demo" node -e "${serve}"`);
    const pid = Number(readFileSync(file, 'utf8'));
    children.push({ kill: () => process.kill(pid, 'SIGKILL') } as ChildProcess);
    expect(pid).not.toBe(stranger);
    expect(alive(file)).toBe('yes');
    // Started again, it finds its own daemon running and leaves it be.
    sh(`start_daemon demo ${port} "the demo" node -e "${serve}"`);
    expect(Number(readFileSync(file, 'utf8'))).toBe(pid);
    sh('stop_daemon demo "the demo"');
    expect(alive(file)).toBe('no');
    // The stranger was never touched.
    expect(() => process.kill(stranger, 0)).not.toThrow();
  });
});
