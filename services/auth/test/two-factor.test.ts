import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { authForFile, FakeUsers, login } from './helpers.ts';

const users = new FakeUsers();
const svc = authForFile(users);

const now = () => Math.floor(Date.now() / 1000);
/** The code of the time step `steps` away from now. */
const code = (secret: string, steps = 0) => generate({ secret, epoch: now() + steps * 30 });

/** An account with 2FA on: its secret, recovery codes and a token. */
async function withTwoFactor() {
  const kim = users.add();
  const token = (await login(svc, kim.email)).body.accessToken as string;
  const setup = await svc.call('POST', '/api/v1/auth/2fa/setup', { token });
  expect(setup.status).toBe(200);
  const secret = setup.body.secret as string;
  const enableOtp = await code(secret);
  const enabled = await svc.call('POST', '/api/v1/auth/2fa/enable', { token, body: { otp: enableOtp } });
  expect(enabled.status).toBe(200);
  return { kim, token, secret, enableOtp, recoveryCodes: enabled.body.recoveryCodes as string[] };
}

describe('two-factor setup', () => {
  it('gives a secret and an otpauth URL naming the account, in force only after a valid code', async () => {
    const kim = users.add({ email: `otp-${Date.now()}@example.kr` });
    const token = (await login(svc, kim.email)).body.accessToken;
    const setup = await svc.call('POST', '/api/v1/auth/2fa/setup', { token });
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(setup.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(decodeURIComponent(url.pathname)).toContain(kim.email);
    expect(url.searchParams.get('issuer')).toBe('Marketplace');
    expect((await svc.call('GET', '/api/v1/auth/2fa', { token })).body).toMatchObject({
      enabled: false,
      pendingSetup: true,
    });
    // Login still needs no code while it is pending.
    expect((await login(svc, kim.email)).status).toBe(200);

    const wrong = await svc.call('POST', '/api/v1/auth/2fa/enable', { token, body: { otp: '000000' } });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'OTP_INVALID']);
    const ok = await svc.call('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { otp: await code(setup.body.secret) },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodes).toHaveLength(10);
    expect(ok.body.recoveryCodes[0]).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect((await svc.call('GET', '/api/v1/auth/2fa', { token })).body).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
    });
    // Secrets and codes are not stored in the clear.
    const row = await svc.deps.db
      .selectFrom('two_factor')
      .selectAll()
      .where('user_id', '=', kim.userId)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(setup.body.secret);
    const stored = await svc.deps.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', kim.userId)
      .execute();
    expect(stored.map((s) => s.code_hash)).not.toContain(ok.body.recoveryCodes[0]);
    expect((await svc.call('POST', '/api/v1/auth/2fa/setup', { token })).body.code).toBe(
      'TWO_FACTOR_ENABLED',
    );
  });

  it('refuses enable without a setup', async () => {
    const kim = users.add();
    const token = (await login(svc, kim.email)).body.accessToken;
    const res = await svc.call('POST', '/api/v1/auth/2fa/enable', { token, body: { otp: '123456' } });
    expect([res.status, res.body.code]).toEqual([409, 'TWO_FACTOR_NOT_SET_UP']);
  });
});

describe('login with two-factor on', () => {
  it('needs the code: none → OTP_REQUIRED, wrong → OTP_INVALID, right → tokens', async () => {
    const { kim, secret, enableOtp } = await withTwoFactor();
    const none = await login(svc, kim.email);
    expect([none.status, none.body.code]).toEqual([401, 'OTP_REQUIRED']);
    expect(none.body.loginTicket).toBeTruthy();
    const wrong = await login(svc, kim.email, 'correct horse', { otp: '000000' });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'OTP_INVALID']);
    // The code that turned 2FA on cannot sign in; the next one can.
    const used = await login(svc, kim.email, 'correct horse', { otp: enableOtp });
    expect(used.body.code).toBe('OTP_INVALID');
    const ok = await login(svc, kim.email, 'correct horse', { otp: await code(secret, 1) });
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toBeTruthy();
  });

  it('refuses a replayed code', async () => {
    const { kim, secret } = await withTwoFactor();
    const otp = await code(secret, 1);
    expect((await login(svc, kim.email, 'correct horse', { otp })).status).toBe(200);
    const replay = await login(svc, kim.email, 'correct horse', { otp });
    expect([replay.status, replay.body.code]).toEqual([401, 'OTP_INVALID']);
  });

  it('lets only one of two simultaneous sign-ins with one code through', async () => {
    const { kim, secret } = await withTwoFactor();
    const otp = await code(secret, 1);
    const results = await Promise.all([1, 2].map(() => login(svc, kim.email, 'correct horse', { otp })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('accepts each recovery code once', async () => {
    const { kim, recoveryCodes } = await withTwoFactor();
    const rc = recoveryCodes[3]!.toUpperCase();
    expect((await login(svc, kim.email, 'correct horse', { otp: rc })).status).toBe(200);
    expect((await login(svc, kim.email, 'correct horse', { otp: rc })).body.code).toBe('OTP_INVALID');
  });

  it('finishes with the login ticket and the code, once', async () => {
    const { kim, secret } = await withTwoFactor();
    const { loginTicket } = (await login(svc, kim.email)).body;
    const bad = await svc.call('POST', '/api/v1/auth/login/otp', { body: { loginTicket, otp: '000000' } });
    expect(bad.body.code).toBe('OTP_INVALID');
    const ok = await svc.call('POST', '/api/v1/auth/login/otp', {
      body: { loginTicket, otp: await code(secret, 1) },
    });
    expect(ok.status).toBe(200);
    const again = await svc.call('POST', '/api/v1/auth/login/otp', { body: { loginTicket, otp: '123456' } });
    expect([again.status, again.body.code]).toEqual([401, 'LOGIN_TICKET_INVALID']);
  });

  it('counts wrong codes toward the account lockout', async () => {
    const { kim } = await withTwoFactor();
    for (let i = 0; i < 5; i++) await login(svc, kim.email, 'correct horse', { otp: '000000' });
    expect((await login(svc, kim.email, 'correct horse', { otp: '000000' })).status).toBe(429);
  });
});

describe('turning two-factor off and new recovery codes', () => {
  it('needs a valid code; afterwards login needs none', async () => {
    const { kim, token, secret, recoveryCodes } = await withTwoFactor();
    const wrong = await svc.call('POST', '/api/v1/auth/2fa/disable', { token, body: { otp: '111111' } });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'OTP_INVALID']);
    const fresh = await svc.call('POST', '/api/v1/auth/2fa/recovery-codes', {
      token,
      body: { otp: await code(secret, 1) },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).not.toContain(recoveryCodes[0]);
    // The old codes are void, a new one turns 2FA off.
    expect(
      (await svc.call('POST', '/api/v1/auth/2fa/disable', { token, body: { otp: recoveryCodes[0] } })).status,
    ).toBe(422);
    const off = await svc.call('POST', '/api/v1/auth/2fa/disable', {
      token,
      body: { otp: fresh.body.recoveryCodes[0] },
    });
    expect(off.body).toEqual({ enabled: false });
    expect((await login(svc, kim.email)).status).toBe(200);
    expect(
      await svc.deps.db.selectFrom('recovery_codes').where('user_id', '=', kim.userId).selectAll().execute(),
    ).toEqual([]);
    expect(
      (await svc.call('POST', '/api/v1/auth/2fa/disable', { token, body: { otp: '123456' } })).body.code,
    ).toBe('TWO_FACTOR_DISABLED');
  });

  it('needs a signed-in caller', async () => {
    for (const path of ['/api/v1/auth/2fa/setup', '/api/v1/auth/2fa/enable', '/api/v1/auth/2fa/disable'])
      expect((await svc.call('POST', path, { body: { otp: '123456' } })).status, path).toBe(401);
  });
});
