import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { authForFile, FakeUsers, ipOf, login } from './helpers.ts';

const users = new FakeUsers();
const svc = authForFile(users);

const sessionsWith = (token: string) => svc.call('GET', '/api/v1/auth/sessions', { token });

describe('login', () => {
  it('issues an ES256 access token with kid, role and session that verifies against the JWKS', async () => {
    const kim = users.add();
    const res = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: kim.email, password: 'correct horse' },
      headers: { 'x-forwarded-for': '203.0.113.7', 'user-agent': 'vitest' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
    expect(res.body.refreshToken).toMatch(/^[\w-]{43}$/);
    const jwks = (await svc.call('GET', '/.well-known/jwks.json')).body;
    const header = decodeProtectedHeader(res.body.accessToken);
    expect(header.alg).toBe('ES256');
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const { payload } = await jwtVerify(res.body.accessToken, createLocalJWKSet(jwks), {
      issuer: 'marketplace-auth',
      audience: 'marketplace',
    });
    expect(payload).toMatchObject({ sub: kim.userId, role: 'buyer' });
    const [event] = (await svc.outbox('auth.user.login')).filter((e) => e.data.userId === kim.userId);
    expect(event!.data).toMatchObject({ sessionId: payload.sid, method: 'password', ip: '203.0.113.7' });
    // The refresh token is stored only as a hash, and the session is in the ledger and the state store.
    const rows = await svc.deps.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('user_id', '=', kim.userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(res.body.refreshToken);
    const record = await svc.dapr.getState<{ userAgent: string }>('sessions', `session:${payload.sid}`);
    expect(record.value?.userAgent).toBe('vitest');
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const kim = users.add();
    const wrong = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: kim.email, password: 'nope' },
      headers: { 'x-forwarded-for': ipOf() },
    });
    const unknown = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.kr', password: 'nope' },
      headers: { 'x-forwarded-for': ipOf() },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a suspended account', async () => {
    const lee = users.add({ status: 'SUSPENDED', role: 'seller' });
    const res = await login(svc, lee.email);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ACCOUNT_SUSPENDED');
  });

  it('answers 503 when user cannot be reached, never a 500', async () => {
    const kim = users.add();
    users.down = true;
    const res = await login(svc, kim.email);
    users.down = false;
    expect(res.status).toBe(503);
  });

  it('names bad fields', async () => {
    const res = await svc.call('POST', '/api/v1/auth/login', { body: { email: '', password: '' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password']);
  });
});

describe('login throttling', () => {
  it('slows down repeated failures of one account, then refuses with 429 and Retry-After', async () => {
    const kim = users.add();
    svc.delays.length = 0;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(svc, kim.email, 'wrong', {})).status);
    // Failures 1–3 answer at once; the 4th and 5th attempts wait (500 ms, then 1 s).
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(svc.delays).toEqual([500, 1000]);
    const blocked = await login(svc, kim.email);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    // The right password does not get through the lockout either.
    expect((await login(svc, kim.email)).status).toBe(429);
  });

  it('locks an unknown email the same way as a known one', async () => {
    const email = `ghost-${Date.now()}@example.kr`;
    for (let i = 0; i < 5; i++) await login(svc, email, 'wrong');
    expect((await login(svc, email, 'wrong')).status).toBe(429);
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const kim = users.add();
    for (let i = 0; i < 4; i++) await login(svc, kim.email, 'wrong');
    expect((await login(svc, kim.email)).status).toBe(200);
    svc.delays.length = 0;
    expect((await login(svc, kim.email, 'wrong')).status).toBe(401);
    expect(svc.delays).toEqual([]);
  });

  it('throttles one client address across many accounts', async () => {
    const ip = ipOf();
    const attempt = (email: string) =>
      svc.call('POST', '/api/v1/auth/login', {
        body: { email, password: 'guess' },
        headers: { 'x-forwarded-for': ip },
      });
    for (let i = 0; i < 12; i++)
      expect((await attempt(`spray-${i}-${Date.now()}@example.kr`)).status).toBe(401);
    const blocked = await attempt(users.add().email);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    // Another address is not affected.
    const other = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: users.add().email, password: 'correct horse' },
      headers: { 'x-forwarded-for': ipOf() },
    });
    expect(other.status).toBe(200);
  });
});

describe('login throttling under load and failure', () => {
  const checked = (email: string) =>
    svc.dapr.calls.filter(
      (c) => c.path === '/internal/credentials/verify' && (c.body as { email: string }).email === email,
    ).length;

  it('counts each attempt before the password is checked: a parallel burst checks no more than the limit', async () => {
    const kim = users.add();
    const burst = await Promise.all(Array.from({ length: 20 }, () => login(svc, kim.email, 'wrong')));
    const statuses = burst.map((r) => r.status);
    // The limit is 5 failures: the 5th locks the account, the other 15 are refused unchecked.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(checked(kim.email)).toBe(5);
    expect((await login(svc, kim.email)).status).toBe(429);
  });

  it('refuses (503) when the throttle store cannot be read, without checking the password', async () => {
    const kim = users.add();
    const getState = svc.dapr.getState;
    svc.dapr.getState = async () => {
      throw new Error('connection refused');
    };
    try {
      const res = await login(svc, kim.email);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('THROTTLE_UNAVAILABLE');
    } finally {
      svc.dapr.getState = getState;
    }
    expect(checked(kim.email)).toBe(0);
    expect((await login(svc, kim.email)).status).toBe(200);
  });

  it('refuses (503) when the attempt cannot be counted', async () => {
    const kim = users.add();
    const saveState = svc.dapr.saveState;
    svc.dapr.saveState = async () => {
      throw new Error('saving state failed: connection refused');
    };
    try {
      expect((await login(svc, kim.email)).status).toBe(503);
    } finally {
      svc.dapr.saveState = saveState;
    }
    expect(checked(kim.email)).toBe(0);
  });

  it('gives the count of a successful sign-in back to the client address', async () => {
    const ip = ipOf();
    for (let i = 0; i < 14; i++) {
      const res = await svc.call('POST', '/api/v1/auth/login', {
        body: { email: users.add().email, password: 'correct horse' },
        headers: { 'x-forwarded-for': ip },
      });
      expect(res.status).toBe(200);
    }
  });
});

describe('client address', () => {
  it('is not changed by a forged X-Forwarded-For from a peer that is no trusted proxy', async () => {
    const peer = ipOf();
    // Twelve failures from one untrusted peer, each claiming another address, lock that peer.
    for (let i = 0; i < 12; i++) {
      const res = await svc.call('POST', '/api/v1/auth/login', {
        body: { email: `spray-${i}-${Date.now()}@example.kr`, password: 'guess' },
        headers: { 'x-forwarded-for': ipOf(), 'x-real-ip': ipOf() },
        peer,
      });
      expect(res.status).toBe(401);
    }
    const blocked = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: users.add().email, password: 'correct horse' },
      headers: { 'x-forwarded-for': ipOf() },
      peer,
    });
    expect(blocked.status).toBe(429);
  });
});

describe('access tokens on auth routes', () => {
  const claims = (sub: string, sid: string) => ({ role: 'buyer', sid, sub });

  it('refuses an expired token, a tampered one, alg none and one signed by another key', async () => {
    const kim = users.add();
    const ok = (await login(svc, kim.email)).body.accessToken as string;
    expect((await sessionsWith(ok)).status).toBe(200);
    const { payload } = await jwtVerify(
      ok,
      createLocalJWKSet((await svc.call('GET', '/.well-known/jwks.json')).body),
    );
    const signer = await svc.ctx.ring.current();

    const expired = await new SignJWT(claims(kim.userId, String(payload.sid)))
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' })
      .setIssuer('marketplace-auth')
      .setAudience('marketplace')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 1200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(signer.key);
    const e = await sessionsWith(expired);
    expect([e.status, e.body.code]).toEqual([401, 'TOKEN_EXPIRED']);

    const [h, p, s] = ok.split('.');
    const body = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = [
      h,
      Buffer.from(JSON.stringify({ ...body, role: 'admin' })).toString('base64url'),
      s,
    ].join('.');
    const t = await sessionsWith(tampered);
    expect([t.status, t.body.code]).toEqual([401, 'TOKEN_INVALID']);

    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...body })}.`;
    const n = await sessionsWith(none);
    expect([n.status, n.body.code]).toEqual([401, 'TOKEN_INVALID']);

    const { privateKey, publicKey } = await generateKeyPair('ES256');
    expect((await exportJWK(publicKey)).x).toBeDefined();
    const foreign = await new SignJWT(claims(kim.userId, String(payload.sid)))
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' })
      .setIssuer('marketplace-auth')
      .setAudience('marketplace')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const f = await sessionsWith(foreign);
    expect([f.status, f.body.code]).toEqual([401, 'TOKEN_INVALID']);

    const hmac = await new SignJWT(claims(kim.userId, String(payload.sid)))
      .setProtectedHeader({ alg: 'HS256', kid: signer.kid })
      .setIssuer('marketplace-auth')
      .setAudience('marketplace')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-shared-secret-guess-0123456789'));
    expect((await sessionsWith(hmac)).status).toBe(401);
  });

  it('keeps a rotated-out key in the JWKS while its tokens may live', async () => {
    const ring = svc.ctx.ring;
    const before = await ring.current();
    // Retire the current key as rotation would, then ask for the signer again.
    await svc.deps.db
      .updateTable('signing_keys')
      .set({ created_at: new Date(Date.now() - 40 * 86_400_000) })
      .execute();
    (ring as unknown as { signer?: unknown }).signer = undefined;
    const after = await ring.current();
    expect(after.kid).not.toBe(before.kid);
    const kids = (await svc.call('GET', '/.well-known/jwks.json')).body.keys.map(
      (k: { kid: string }) => k.kid,
    );
    expect(kids).toEqual([after.kid, before.kid]);
  });
});
