import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, remoteRevocations } from '../src/auth.ts';
import { withoutSidecar } from '../src/testing/index.ts';

/** A stand-in for auth's `GET /internal/sessions/revoked`, over real HTTP. */
let server: Server;
let url: string;
let revoked: string[] = [];
let up = true;
let hits = 0;
const seenHeaders: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    seenHeaders.push(String(req.headers['dapr-api-token']));
    if (!up) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sessionIds: revoked }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/sessions/revoked`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  up = true;
});

const principal = (sessionId: string) => ({ userId: 'u-1', role: 'buyer' as const, sessionId });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the revoked-session list', () => {
  it('refuses a session once it appears in the list, after at most maxAgeMs', async () => {
    revoked = [];
    const isRevoked = remoteRevocations(url, { 'dapr-api-token': 'tok' }, { maxAgeMs: 150 });
    expect(await isRevoked(principal('s-1'))).toBe(false);
    revoked = ['s-1'];
    // Within maxAgeMs the cached list answers without asking again.
    const before = hits;
    expect(await isRevoked(principal('s-2'))).toBe(false);
    expect(hits).toBe(before);
    await sleep(200);
    expect(await isRevoked(principal('s-1'))).toBe(true);
    expect(await isRevoked(principal('s-2'))).toBe(false);
    expect(seenHeaders.at(-1)).toBe('tok');
  });

  it('asks once for many concurrent checks', async () => {
    revoked = ['s-9'];
    const isRevoked = remoteRevocations(url, {}, { maxAgeMs: 60_000 });
    const before = hits;
    const answers = await Promise.all(Array.from({ length: 20 }, () => isRevoked(principal('s-9'))));
    expect(answers.every(Boolean)).toBe(true);
    expect(hits - before).toBe(1);
  });

  it('keeps the last list while auth cannot answer', async () => {
    revoked = ['s-3'];
    const isRevoked = remoteRevocations(url, {}, { maxAgeMs: 100 });
    expect(await isRevoked(principal('s-3'))).toBe(true);
    up = false;
    await sleep(150);
    expect(await isRevoked(principal('s-3'))).toBe(true);
    up = true;
  });

  it('refuses every token once the list is older than the bound, logging and counting each failure', async () => {
    revoked = ['s-4'];
    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const log = {
      warn: (obj: Record<string, unknown>, msg: string) => warnings.push({ obj, msg }),
      error: (obj: Record<string, unknown>, msg: string) => warnings.push({ obj, msg }),
      info: () => {},
    };
    const isRevoked = remoteRevocations(url, {}, { maxAgeMs: 100, staleAfterMs: 400, log: log as never });
    expect(await isRevoked(principal('s-5'))).toBe(false);
    up = false;
    await sleep(150);
    // Younger than the bound: the last list still decides.
    expect(await isRevoked(principal('s-5'))).toBe(false);
    expect(isRevoked.failures()).toBe(1);
    expect(warnings.at(-1)?.obj.reason).toMatch(/503/);
    await sleep(1000);
    // Older than the bound: nothing is accepted, not even a session the last list did not name.
    await expect(isRevoked(principal('s-5'))).rejects.toMatchObject({
      status: 503,
      code: 'SESSIONS_UNVERIFIABLE',
    });
    expect(isRevoked.failures()).toBeGreaterThanOrEqual(2);
    up = true;
    await sleep(1100);
    expect(await isRevoked(principal('s-5'))).toBe(false);
    expect(await isRevoked(principal('s-4'))).toBe(true);
  });

  it('refuses tokens when the list was never fetched (auth unreachable from the start)', async () => {
    up = false;
    const isRevoked = remoteRevocations(url, {}, { maxAgeMs: 100 });
    await expect(isRevoked(principal('s-6'))).rejects.toMatchObject({ status: 503 });
    up = true;
  });

  it('makes the verifier answer SESSION_REVOKED for a revoked session', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' };
    revoked = ['s-gone'];
    const verifier = createTokenVerifier({
      jwks: createLocalJWKSet({ keys: [jwk] }),
      issuer: 'iss',
      audience: 'aud',
      isRevoked: remoteRevocations(url, {}, { maxAgeMs: 1000 }),
    });
    const token = (sid: string) =>
      new SignJWT({ role: 'buyer', sid })
        .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
        .setSubject('u-1')
        .setIssuer('iss')
        .setAudience('aud')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    expect((await verifier.verify(await token('s-live'))).sessionId).toBe('s-live');
    await expect(verifier.verify(await token('s-gone'))).rejects.toMatchObject({
      status: 401,
      code: 'SESSION_REVOKED',
    });
  });
});

describe('output bindings in service tests', () => {
  it('records what was sent and fails when the double throws', async () => {
    const dapr = withoutSidecar(
      {},
      {
        email: (call) => {
          if (call.metadata.emailTo === 'bounce@example.kr') throw new Error('550 no such user');
        },
      },
    );
    await dapr.invokeBinding('email', 'create', '<p>안녕하세요</p>', { emailTo: 'kim@example.kr' });
    await expect(
      dapr.invokeBinding('email', 'create', '<p>x</p>', { emailTo: 'bounce@example.kr' }),
    ).rejects.toThrow('550');
    expect(dapr.bindings).toEqual([
      {
        name: 'email',
        operation: 'create',
        data: '<p>안녕하세요</p>',
        metadata: { emailTo: 'kim@example.kr' },
      },
    ]);
  });
});
