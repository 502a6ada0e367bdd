/**
 * Identity through the gateway on a running stack (scripts/up.sh --detach):
 *   - login timing: wrong password vs unknown email vs right password (no account enumeration by time)
 *   - login throughput (argon2id-bound) and refresh rotation throughput
 *   - an authenticated read at another service (JWKS + revoked-session list), with autocannon
 *   - how long a revoked session's token keeps working at another service
 *
 *   MP_STACK=N node bench/identity.bench.ts [samples=40]
 */
import { randomUUID } from 'node:crypto';
import { measure, ms, percentile, pool } from '@mp/platform/testing';
import autocannon from 'autocannon';
import { gatewayPortOf } from '../scripts/stack/ports.ts';

const base = process.env.MP_BASE_URL ?? `http://localhost:${gatewayPortOf()}`;
const samples = Number(process.argv[2] ?? 40);
const PASSWORD = 'correct horse battery';

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const email = (tag: string) => `bench-${tag}-${randomUUID().slice(0, 8)}@bench.example.kr`;
async function signup(tag: string) {
  const e = email(tag);
  const res = await call('POST', '/api/v1/users', { email: e, password: PASSWORD, name: '벤치' });
  if (res.status !== 201) throw new Error(`sign-up ${res.status}`);
  return e;
}
const login = (e: string, password = PASSWORD) => call('POST', '/api/v1/auth/login', { email: e, password });

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms  p95 ${percentile(s, 95).toFixed(1)} ms  mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1)} ms`;
};

console.log(`identity benchmarks against ${base}, ${samples} samples\n`);

// Accounts of their own for each wrong-password sample, so that no account reaches its lockout.
const accounts = await Promise.all(Array.from({ length: samples }, () => signup('timing')));
const timing = { wrong: [] as number[], unknown: [] as number[], right: [] as number[] };
for (let i = 0; i < samples; i++) {
  // Interleaved, one at a time, so the three see the same machine.
  let t = process.hrtime.bigint();
  const w = await login(accounts[i]!, 'not the password');
  timing.wrong.push(ms(t));
  t = process.hrtime.bigint();
  const u = await login(email('nobody'), 'not the password');
  timing.unknown.push(ms(t));
  if (w.status !== 401 || u.status !== 401 || JSON.stringify(w.body) !== JSON.stringify(u.body))
    throw new Error('wrong password and unknown email must answer alike');
  t = process.hrtime.bigint();
  const r = await login(accounts[(i + 1) % samples]!);
  timing.right.push(ms(t));
  if (r.status !== 200) throw new Error(`login ${r.status}`);
}
console.log(`login, wrong password      ${stats(timing.wrong)}`);
console.log(`login, unknown email       ${stats(timing.unknown)}`);
console.log(`login, right password      ${stats(timing.right)}\n`);

await measure('logins (argon2id verify + session + tokens), 4 at once', async () => {
  const latencies = await pool(
    Array.from({ length: samples * 2 }, (_, i) => async () => {
      if ((await login(accounts[i % samples]!)).status !== 200) throw new Error('login failed');
    }),
    4,
  );
  return { n: samples * 2, unit: 'logins', latencies };
});

const sessions = await Promise.all(
  accounts.slice(0, 8).map(async (e) => (await login(e)).body.refreshToken as string),
);
await measure('refresh rotations, 8 sessions at once', async () => {
  const latencies: number[] = [];
  await Promise.all(
    sessions.map(async (first) => {
      let token = first;
      for (let i = 0; i < samples; i++) {
        const t = process.hrtime.bigint();
        const res = await call('POST', '/api/v1/auth/refresh', { refreshToken: token });
        latencies.push(ms(t));
        if (res.status !== 200) throw new Error(`refresh ${res.status}`);
        token = res.body.refreshToken;
      }
    }),
  );
  return { n: latencies.length, unit: 'refreshes', latencies: latencies.sort((a, b) => a - b) };
});

const reader = (await login(accounts[0]!)).body.accessToken as string;
const read = await autocannon({
  url: `${base}/api/v1/users/me`,
  connections: 8,
  duration: 10,
  headers: { authorization: `Bearer ${reader}` },
});
console.log(
  `\nGET /api/v1/users/me (token checked at user: JWKS + revoked sessions), 8 connections, 10 s: ${read.requests.average.toFixed(0)} req/s  p50 ${read.latency.p50} ms  p99 ${read.latency.p99} ms  non-2xx ${read.non2xx}`,
);

const lags: number[] = [];
for (let i = 0; i < 5; i++) {
  const token = (await login(accounts[i]!)).body.accessToken as string;
  if ((await call('GET', '/api/v1/users/me', undefined, token)).status !== 200) throw new Error('me');
  await call('POST', '/api/v1/auth/logout', undefined, token);
  const t = process.hrtime.bigint();
  while ((await call('GET', '/api/v1/users/me', undefined, token)).status === 200)
    await new Promise((r) => setTimeout(r, 50));
  lags.push(ms(t));
}
console.log(
  `a logged-out token still accepted by user for: ${lags.map((l) => `${(l / 1000).toFixed(2)} s`).join(', ')}`,
);
