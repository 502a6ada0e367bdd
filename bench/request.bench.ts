/**
 * What one HTTP request costs the app's process: CPU per request of an app built with the kit
 * (request id, access log, trace context, CORS, metrics, authentication with the verified-token
 * cache and a revoked-session check, zod validation, problem+json) against a bare Hono app on the
 * same node server, answering the same routes. No database and no sidecar: the kit's request path
 * alone, a figure that does not depend on the rest of a stack.
 *   node bench/request.bench.ts [requests=20000] [connections=16]
 * The app runs in a child process (its CPU read with process.cpuUsage, the client's not counted),
 * its log lines go to /dev/null at level info, as in a stack. Three routes, as a burst's: a GET
 * answering JSON (200), a POST with a JSON body answering a problem (409, a flash sale's refusal),
 * and the same POST with an invalid body (400, validation).
 */
import { fork } from 'node:child_process';
import { openSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuUsage } from 'node:process';

const mode = process.argv[2];
if (mode === '--serve-sidecar') {
  // A sidecar that answers every invocation at once (inventory's availability of one SKU).
  const reply = JSON.stringify({ items: [{ sku: 'SKU-1', available: 0 }] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(reply));
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (m: string) => m === 'exit' && process.exit(0));
} else if (mode === '--serve-kit' || mode === '--serve-bare') {
  const { createAdaptorServer } = await import('@hono/node-server');
  const fetch = mode === '--serve-kit' ? await kitApp() : await bareApp();
  const server = createAdaptorServer({ fetch });
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port, token: process.env.BENCH_TOKEN });
  });
  process.on('message', (m: string) => {
    if (m === 'cpu') {
      const u = cpuUsage();
      process.send!({ cpu: (u.user + u.system) / 1000 });
    }
    if (m === 'exit') process.exit(0);
  });
} else {
  const requests = Number(process.argv[2] ?? 20_000);
  const connections = Number(process.argv[3] ?? 16);
  const { SignJWT, generateKeyPair, exportJWK } = await import('jose');
  const keys = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' };
  const tokens = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      new SignJWT({ role: 'buyer', sid: `s-${i}` })
        .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
        .setSubject(`u-${i}`)
        .setIssuer('bench')
        .setAudience('bench')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(keys.privateKey),
    ),
  );
  const routes = [
    { name: 'GET, 200 JSON', method: 'GET', path: '/api/v1/things/t-1' },
    { name: 'POST, 409 problem', method: 'POST', path: '/api/v1/things/t-1/claims', body: '{"quantity":1}' },
    {
      name: 'POST, 400 invalid body',
      method: 'POST',
      path: '/api/v1/things/t-1/claims',
      body: '{"quantity":0}',
    },
  ];
  console.log(`${requests} requests per route, ${connections} at once; app CPU per request (ms)`);
  console.log(`${'route'.padEnd(24)} ${'kit'.padStart(8)} ${'bare'.padStart(8)}`);
  const results: Record<string, Record<string, number>> = {};
  for (const app of ['kit', 'bare'] as const) {
    const child = fork(import.meta.filename, [`--serve-${app}`], {
      stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit', 'ipc'],
      env: { ...process.env, BENCH_JWK: JSON.stringify(jwk) },
      // BENCH_CPU_PROF=<dir>: the apps run under V8's profiler (`node bench/profile.ts <dir>`).
      execArgv: process.env.BENCH_CPU_PROF
        ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${app}`]
        : process.execArgv,
    });
    const next = () => new Promise<Record<string, number>>((r) => child.once('message', r));
    const { port } = await next();
    // BENCH_NEW_CONNECTIONS=1: a connection per request, as a gateway's requests beyond its idle ones.
    const fresh = process.env.BENCH_NEW_CONNECTIONS === '1';
    const agent = new http.Agent({ keepAlive: !fresh, maxSockets: connections });
    const send = (r: (typeof routes)[number], i: number) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            agent,
            port,
            host: '127.0.0.1',
            method: r.method,
            path: r.path,
            headers: {
              authorization: `Bearer ${tokens[i % tokens.length]}`,
              ...(fresh ? { connection: 'close' } : {}),
              ...(r.body ? { 'content-type': 'application/json' } : {}),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(r.body);
      });
    const run = async (r: (typeof routes)[number], n: number) => {
      let i = 0;
      const statuses = new Map<number, number>();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (i < n) {
            const s = await send(r, i++);
            statuses.set(s, (statuses.get(s) ?? 0) + 1);
          }
        }),
      );
      return statuses;
    };
    for (const r of routes) {
      await run(r, Math.min(2000, requests)); // warm-up: JIT, the token cache, sockets
      child.send('cpu');
      const before = (await next()).cpu!;
      const statuses = await run(r, requests);
      child.send('cpu');
      const after = (await next()).cpu!;
      results[r.name] = { ...results[r.name], [app]: (after - before) / requests };
      if (statuses.size !== 1) throw new Error(`${app} ${r.name}: ${JSON.stringify([...statuses])}`);
    }
    child.send('exit');
    agent.destroy();
  }
  for (const r of routes)
    console.log(
      `${r.name.padEnd(24)} ${results[r.name]!.kit!.toFixed(3).padStart(8)} ${results[r.name]!.bare!.toFixed(3).padStart(8)}`,
    );
  // The caller's side of a call through the sidecar: `dapr.invoke` (the SDK's HTTP client), this
  // process's CPU per call, the sidecar a child answering at once.
  const sidecar = fork(import.meta.filename, ['--serve-sidecar'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((r) => sidecar.once('message', r as never));
  const { createDapr } = await import('@mp/platform');
  const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order' });
  /** The caller's CPU per call of `call`, `connections` at a time, after a warm-up. */
  const callerCpu = async (label: string, call: () => Promise<unknown>) => {
    const run = async (n: number) => {
      let i = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (i++ < n) await call();
        }),
      );
    };
    await run(Math.min(2000, requests));
    const before = cpuUsage();
    await run(requests);
    const used = cpuUsage(before);
    console.log(
      `${label.padEnd(24)} ${((used.user + used.system) / 1000 / requests).toFixed(3).padStart(8)}`,
    );
  };
  await callerCpu('dapr.invoke (caller)', () =>
    dapr.invoke('inventory', '/internal/availability', { body: { skus: ['SKU-1'] } }),
  );
  // The relay's bulk publish (the kit's own request to the sidecar), 10 events a call.
  const events = Array.from({ length: 10 }, (_, i) => ({
    entryId: `e-${i}`,
    event: { id: `e-${i}`, type: 'order.created', data: { orderId: `o-${i}`, total: 12_000 } },
    metadata: { 'cloudevent.id': `e-${i}`, partitionKey: `order:o-${i}` },
  }));
  await callerCpu('dapr.publishBulk, 10 (caller)', () => dapr.publishBulk('pubsub', 'order.created', events));
  await dapr.stop();
  sidecar.send('exit');
  process.exit(0);
}

async function kitApp() {
  const {
    buildService,
    conflict,
    createRoute,
    createTokenVerifier,
    jsonBody,
    jsonResponse,
    principalOf,
    problems,
    requireRole,
    VERIFIED_TOKENS,
    z,
  } = await import('@mp/platform');
  const { createLocalJWKSet } = await import('jose');
  const thing = z.object({ id: z.string(), name: z.string(), price: z.int(), tags: z.array(z.string()) });
  const get = createRoute({
    method: 'get',
    path: '/api/v1/things/{id}',
    middleware: [requireRole('buyer')] as const,
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 200: jsonResponse(thing, 'A thing'), ...problems(401, 404) },
  });
  const claim = createRoute({
    method: 'post',
    path: '/api/v1/things/{id}/claims',
    middleware: [requireRole('buyer')] as const,
    request: {
      params: z.object({ id: z.string().min(1).max(64) }),
      body: jsonBody(z.object({ quantity: z.int().min(1).max(10) })),
    },
    responses: { 201: jsonResponse(thing, 'Claimed'), ...problems(400, 401, 409) },
  });
  const service = buildService(
    {
      name: 'file',
      migrations: {},
      routes(app) {
        app.openapi(get, (c) => {
          principalOf(c);
          const { id } = c.req.valid('param');
          return c.json({ id, name: '벤치 상품', price: 12_000, tags: ['a', 'b'] }, 200);
        });
        app.openapi(claim, async (c) => {
          principalOf(c);
          c.req.valid('json');
          throw conflict('SOLD_OUT', 'Nothing left of this thing');
        });
      },
    },
    {
      env: {
        DATABASE_URL: 'postgres://bench:bench@127.0.0.1:1/bench',
        DB_SCHEMA: 'bench',
        APP_API_TOKEN: 'bench-app-token-0123456789abcdef',
        LOG_LEVEL: 'info',
        ENVIRONMENT: 'test',
      },
      verifier: createTokenVerifier({
        jwks: createLocalJWKSet({ keys: [JSON.parse(process.env.BENCH_JWK!)] }),
        issuer: 'bench',
        audience: 'bench',
        cache: VERIFIED_TOKENS,
        isRevoked: async () => false,
      }),
    },
  );
  return service.app.fetch;
}

async function bareApp() {
  const { Hono } = await import('hono');
  const app = new Hono();
  app.get('/api/v1/things/:id', (c) =>
    c.json({ id: c.req.param('id'), name: '벤치 상품', price: 12_000, tags: ['a', 'b'] }, 200),
  );
  app.post('/api/v1/things/:id/claims', async (c) => {
    const body = (await c.req.json()) as { quantity: number };
    if (!(body.quantity >= 1))
      return c.json({ code: 'VALIDATION_FAILED' }, 400, { 'content-type': 'application/problem+json' });
    return c.json({ code: 'SOLD_OUT' }, 409, { 'content-type': 'application/problem+json' });
  });
  return app.fetch;
}
