/** Social login against a real OpenID Connect provider (oidc-provider) running in this process. */
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthService, FakeUsers, login, PUBLIC_BASE, startAuth } from './helpers.ts';
import { browseUntil, type OidcSandbox, sandboxClients, startOidcSandbox } from './sandbox/oidc-provider.ts';

const users = new FakeUsers();
// Started by hand, not with authForFile: its env names the OpenID provider started in the same hook.
let svc: AuthService;
let op: OidcSandbox;
beforeAll(async () => {
  op = await startOidcSandbox({ clients: sandboxClients(PUBLIC_BASE) });
  svc = await startAuth(users, {
    OIDC_KAKAO_CLIENT_ID: 'kakao-local',
    OIDC_KAKAO_CLIENT_SECRET: 'kakao-local-sandbox-secret',
    OIDC_KAKAO_ISSUER: op.issuer,
    OIDC_GOOGLE_CLIENT_ID: 'google-local',
    OIDC_GOOGLE_CLIENT_SECRET: 'google-local-sandbox-secret',
    OIDC_GOOGLE_ISSUER: op.issuer,
  });
});
afterAll(async () => {
  await svc.close();
  await op.close();
});

/** authorize at auth → the provider (headless sign-in as `hint`) → back: the callback path and auth's cookie. */
async function signInAt(provider: string, hint: string) {
  const start = await svc.call(
    'GET',
    `/api/v1/auth/oauth/${provider}/authorize?loginHint=${encodeURIComponent(hint)}`,
  );
  expect(start.status).toBe(302);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const location = start.headers.get('location')!;
  const back = await browseUntil(location, `${PUBLIC_BASE}/`);
  return { callback: back.slice(PUBLIC_BASE.length), cookie, authorizationUrl: new URL(location) };
}
const finish = (callback: string, cookie?: string) =>
  svc.call('GET', callback, { headers: cookie ? { cookie } : {} });

describe('social login (OpenID Connect)', () => {
  it('lists the configured providers', async () => {
    const res = await svc.call('GET', '/api/v1/auth/oauth/providers');
    expect(res.body.items.map((p: { name: string }) => p.name).sort()).toEqual(['google', 'kakao']);
  });

  it('asks for the code with PKCE S256, state and nonce, and the preset scopes', async () => {
    const res = await svc.call('GET', '/api/v1/auth/oauth/kakao/authorize', {
      headers: { accept: 'application/json' },
    });
    const url = new URL(res.body.authorizationUrl);
    expect(url.origin).toBe(op.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'kakao-local',
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid profile_nickname account_email',
      redirect_uri: `${PUBLIC_BASE}/api/v1/auth/oauth/kakao/callback`,
    });
    for (const p of ['state', 'nonce', 'code_challenge'])
      expect(url.searchParams.get(p)).toMatch(/^[\w-]{43,}$/);
  });

  it('signs a new person in as a new buyer, and the same person again as the same account', async () => {
    const email = `kakao-${Date.now()}@example.kr`;
    const first = await signInAt('kakao', email);
    const res = await finish(first.callback, first.cookie);
    expect(res.status).toBe(200);
    const claims = decodeJwt(res.body.accessToken);
    const account = [...users.accounts.values()].find((a) => a.email === email)!;
    expect(claims).toMatchObject({ sub: account.userId, role: 'buyer' });
    expect(account.password).toBeNull();
    const [event] = (await svc.outbox('auth.user.login')).filter((e) => e.data.userId === account.userId);
    expect(event!.data).toMatchObject({ method: 'oidc', provider: 'kakao' });

    const again = await signInAt('kakao', email);
    const second = await finish(again.callback, again.cookie);
    expect(decodeJwt(second.body.accessToken).sub).toBe(account.userId);
    expect([...users.accounts.values()].filter((a) => a.email === email)).toHaveLength(1);
  });

  it('links a verified email to the existing account (google preset)', async () => {
    const kim = users.add();
    const flow = await signInAt('google', kim.email);
    const res = await finish(flow.callback, flow.cookie);
    expect(decodeJwt(res.body.accessToken).sub).toBe(kim.userId);
  });

  it('gives a never-verified password account to the provider-verified owner of its email: password, sessions and second factor go', async () => {
    // Someone registered the victim's email with a password in advance and is signed in with it.
    const squatted = users.add({ verified: false });
    const squatter = (await login(svc, squatted.email)).body;
    expect((await svc.call('GET', '/api/v1/auth/sessions', { token: squatter.accessToken })).status).toBe(
      200,
    );
    await svc.deps.db
      .insertInto('two_factor')
      .values({
        user_id: squatted.userId,
        secret_sealed: 'x',
        pending_secret_sealed: null,
        enabled_at: new Date(),
      })
      .execute();

    const flow = await signInAt('google', squatted.email);
    const res = await finish(flow.callback, flow.cookie);
    // The owner is signed in (no second factor asked: the squatter's went), and owns the account.
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.accessToken).sub).toBe(squatted.userId);
    expect(squatted.password).toBeNull();
    expect((await login(svc, squatted.email)).status).toBe(401);
    const old = await svc.call('GET', '/api/v1/auth/sessions', { token: squatter.accessToken });
    expect([old.status, old.body.code]).toEqual([401, 'SESSION_REVOKED']);
    expect(
      (await svc.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: squatter.refreshToken } }))
        .status,
    ).toBe(401);
  });

  it('does not let an unverified email take over an existing account', async () => {
    const lee = users.add({ email: `unverified-${Date.now()}@example.kr` });
    const flow = await signInAt('kakao', lee.email);
    const res = await finish(flow.callback, flow.cookie);
    expect([res.status, res.body.code]).toEqual([409, 'ACCOUNT_EXISTS']);
  });

  it('asks for an email when the provider shares none', async () => {
    const flow = await signInAt('kakao', `noemail-${Date.now()}@example.kr`);
    const res = await finish(flow.callback, flow.cookie);
    expect([res.status, res.body.code]).toEqual([422, 'OIDC_EMAIL_REQUIRED']);
  });

  it('answers a refusal at the provider with 401 OIDC_DENIED', async () => {
    const flow = await signInAt('kakao', `deny-${Date.now()}@example.kr`);
    expect(flow.callback).toContain('error=access_denied');
    const res = await finish(flow.callback, flow.cookie);
    expect([res.status, res.body.code]).toEqual([401, 'OIDC_DENIED']);
  });

  it('refuses a callback whose state it did not issue, from another browser, or a second time', async () => {
    const email = `state-${Date.now()}@example.kr`;
    const flow = await signInAt('kakao', email);
    const forged = flow.callback.replace(/state=[^&]+/, 'state=forged');
    expect((await finish(forged, flow.cookie)).body.code).toBe('OIDC_STATE_INVALID');
    // The real state from a browser that did not start the flow (login CSRF).
    const other = await signInAt('kakao', email);
    expect((await finish(other.callback)).body.code).toBe('OIDC_STATE_INVALID');
    expect((await finish(other.callback, 'mp_oidc_browser=someone-else')).body.code).toBe(
      'OIDC_STATE_INVALID',
    );
    // The state is single use whatever happened.
    const third = await signInAt('kakao', email);
    expect((await finish(third.callback, third.cookie)).status).toBe(200);
    expect((await finish(third.callback, third.cookie)).body.code).toBe('OIDC_STATE_INVALID');
  });

  it('refuses a code that does not match the PKCE verifier', async () => {
    const email = `pkce-${Date.now()}@example.kr`;
    const a = await signInAt('kakao', email);
    const b = await signInAt('kakao', email);
    // b's state and cookie with a's code: the verifier of b does not fit a's challenge.
    const codeA = new URL(`${PUBLIC_BASE}${a.callback}`).searchParams.get('code')!;
    const swapped = b.callback.replace(/code=[^&]+/, `code=${encodeURIComponent(codeA)}`);
    const res = await finish(swapped, b.cookie);
    expect([res.status, res.body.code]).toEqual([401, 'OIDC_FAILED']);
  });

  it('needs the second factor when the account has 2FA on', async () => {
    const kim = users.add();
    const token = (await login(svc, kim.email)).body.accessToken;
    const { secret } = (await svc.call('POST', '/api/v1/auth/2fa/setup', { token })).body;
    await svc.call('POST', '/api/v1/auth/2fa/enable', { token, body: { otp: await generate({ secret }) } });
    const flow = await signInAt('google', kim.email);
    const res = await finish(flow.callback, flow.cookie);
    expect([res.status, res.body.code]).toEqual([401, 'OTP_REQUIRED']);
    const done = await svc.call('POST', '/api/v1/auth/login/otp', {
      body: {
        loginTicket: res.body.loginTicket,
        otp: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
      },
    });
    expect(done.status).toBe(200);
    const [event] = (await svc.outbox('auth.user.login')).filter(
      (e) => e.data.userId === kim.userId && e.data.method === 'oidc',
    );
    expect(event!.data.provider).toBe('google');
  });

  it('answers 404 for a provider that is not configured', async () => {
    const res = await svc.call('GET', '/api/v1/auth/oauth/naver/authorize');
    expect([res.status, res.body.code]).toEqual([404, 'PROVIDER_NOT_FOUND']);
  });
});
