import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_APP_TOKEN, testDatabaseUrl } from '../src/testing/index.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'slow-service.ts');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

// A test that fails before it stops its child must not leave it running (it would hold the
// metrics port the next one needs).
const children: ChildProcess[] = [];

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  let out = '';
  const child = spawn(process.execPath, [fixture], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits for the app's health answer: up to 25 s, what a cold start takes on a loaded 2-core machine. */
async function waitHealthy(port: number) {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not start');
}

const schema = `t_lifecycle_${randomBytes(4).toString('hex')}`;
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

describe('start-up and shutdown', () => {
  it('refuses to start with a missing or bad variable and names it', async () => {
    const { output, exited } = start({ APP_API_TOKEN: TEST_APP_TOKEN, DAPR_HTTP_PORT: 'not-a-port' });
    expect(await exited).toBe(1);
    expect(output()).toContain('Invalid configuration for the file service');
    expect(output()).toMatch(/DATABASE_URL: /);
    expect(output()).toMatch(/DAPR_HTTP_PORT: /);
  });

  it('keeps idle keep-alive connections longer than a proxy in front, and a long accept queue (no 502s)', async () => {
    const { request, Agent } = await import('node:http');
    const port = await freePort();
    const { child, exited } = start({
      DATABASE_URL: testDatabaseUrl(),
      DB_SCHEMA: schema,
      APP_API_TOKEN: TEST_APP_TOKEN,
      PORT: String(port),
      DAPR_HTTP_PORT: String(await freePort()),
    });
    await waitHealthy(port);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end();
      });
    expect((await get()).status).toBe(200);
    // Node's own default would have closed the socket after 5 s of idleness.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await get()).toEqual({ status: 200, reused: true });
    // A long accept queue for bursts: ss shows a listening socket's backlog as its Send-Q.
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    const listening = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    expect(Number(listening[2])).toBe(Math.min(4096, somaxconn));
    agent.destroy();
    child.kill('SIGTERM');
    await exited;
  }, 60_000);

  it('on SIGTERM finishes the requests in flight, stops taking new ones and exits 0', async () => {
    const port = await freePort();
    const { child, output, exited } = start({
      DATABASE_URL: testDatabaseUrl(),
      DB_SCHEMA: schema,
      APP_API_TOKEN: TEST_APP_TOKEN,
      PORT: String(port),
      DAPR_HTTP_PORT: String(await freePort()),
      SHUTDOWN_GRACE_MS: '5000',
    });
    await waitHealthy(port);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/files/chatty?n=500`)).status).toBe(200);
    const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/files/slow?ms=1500`);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    expect(await exited).toBe(0);
    expect(output()).toContain('shutting down');
    expect(output()).toContain('"msg":"stopped"');
    // Logs are written in batches (logger.ts): every line logged before the signal is there, whole.
    const chatty = output()
      .split('\n')
      .filter((l) => l.includes('"msg":"chatty line"'))
      .map((l) => (JSON.parse(l) as { i: number }).i);
    expect(chatty).toEqual(Array.from({ length: 500 }, (_, i) => i));
  }, 60_000);
});
