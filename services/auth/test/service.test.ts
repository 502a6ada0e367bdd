import { randomBytes } from 'node:crypto';
import { ApiError } from '@mp/platform';
import { startTestService, type TestService } from '@mp/platform/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

let svc: TestService<Database, unknown>;
const accounts: Record<string, { password: string; userId: string; role: string; status: string }> = {
  'kim@example.kr': {
    password: 'correct horse',
    userId: '0190a0a0-0000-7000-8000-000000000001',
    role: 'buyer',
    status: 'ACTIVE',
  },
  'lee@example.kr': {
    password: 'correct horse',
    userId: '0190a0a0-0000-7000-8000-000000000002',
    role: 'seller',
    status: 'SUSPENDED',
  },
};

beforeAll(async () => {
  svc = await startTestService(service, {
    env: { AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    invoke: {
      // The user service's answer, as its own tests prove it.
      'user POST /internal/credentials/verify': (body) => {
        const { email, password } = body as { email: string; password: string };
        const a = accounts[email];
        if (!a || a.password !== password)
          throw new ApiError(401, 'INVALID_CREDENTIALS', 'The email or password is wrong');
        return { userId: a.userId, role: a.role, status: a.status, email };
      },
    },
  });
});
afterAll(() => svc.close());

describe('login', () => {
  it('issues an ES256 access token with kid, role and session that verifies against the JWKS', async () => {
    const res = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: 'kim@example.kr', password: 'correct horse' },
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
    expect(payload).toMatchObject({ sub: accounts['kim@example.kr']!.userId, role: 'buyer' });
    expect(payload.sid).toBeTruthy();
    const [event] = await svc.outbox('auth.user.login');
    expect(event!.data).toMatchObject({ userId: payload.sub, sessionId: payload.sid, method: 'password' });
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrong = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: 'kim@example.kr', password: 'nope' },
    });
    const unknown = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.kr', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a suspended account', async () => {
    const res = await svc.call('POST', '/api/v1/auth/login', {
      body: { email: 'lee@example.kr', password: 'correct horse' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ACCOUNT_SUSPENDED');
  });
});
