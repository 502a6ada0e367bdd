import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { authForFile, FakeUsers, ipOf, login } from './helpers.ts';

const users = new FakeUsers();
const svc = authForFile(users, { PASSWORD_RESET_TTL_SECONDS: '600', PASSWORD_RESET_MAX_PER_WINDOW: '3' });
const internal = { 'dapr-api-token': TEST_APP_TOKEN };

const request = (email: string, ip = ipOf()) =>
  svc.call('POST', '/api/v1/auth/password-reset', { body: { email }, headers: { 'x-forwarded-for': ip } });
const confirm = (token: string, newPassword = 'brand new horse') =>
  svc.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, newPassword } });
const tokenSentTo = async (userId: string) => {
  const events = (await svc.outbox('auth.password.reset')).filter(
    (e) => e.data.userId === userId && e.data.phase === 'requested',
  );
  const resetId = events.at(-1)?.data.resetId as string | undefined;
  if (!resetId) return undefined;
  // What notification does: fetch the token of the open reset from auth's internal route.
  const res = await svc.call('GET', `/internal/password-resets/${resetId}`, { headers: internal });
  return res.status === 200 ? (res.body.token as string) : undefined;
};

describe('password reset request', () => {
  it('answers 202 alike for a known and an unknown email, and mails only the known one', async () => {
    const kim = users.add();
    const before = (await svc.outbox('auth.password.reset')).length;
    const known = await request(kim.email.toUpperCase());
    const unknown = await request(`nobody-${Date.now()}@example.kr`);
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const events = (await svc.outbox('auth.password.reset')).slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ userId: kim.userId, email: kim.email, phase: 'requested' });
    expect(Date.parse(events[0]!.data.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    // The event names the reset, never its token: the token does not leave auth through the broker.
    const token = await tokenSentTo(kim.userId);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify(events[0])).not.toContain(token);
    expect(events[0]!.data.resetToken).toBeUndefined();
    // At rest: its hash, and the token sealed under the key-encryption key.
    const rows = await svc.deps.db
      .selectFrom('password_resets')
      .selectAll()
      .where('user_id', '=', kim.userId)
      .execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('hands the token out only while the reset is open, and only to a caller with the app token', async () => {
    const kim = users.add();
    await request(kim.email);
    const resetId = (await svc.outbox('auth.password.reset')).filter(
      (e) => e.data.userId === kim.userId && e.data.phase === 'requested',
    )[0]!.data.resetId as string;
    expect((await svc.call('GET', `/internal/password-resets/${resetId}`)).status).toBe(403);
    const token = (await tokenSentTo(kim.userId))!;
    expect((await confirm(token)).status).toBe(204);
    const spent = await svc.call('GET', `/internal/password-resets/${resetId}`, { headers: internal });
    expect([spent.status, spent.body.code]).toEqual([404, 'RESET_NOT_OPEN']);
  });

  it('mails no suspended account', async () => {
    const lee = users.add({ status: 'SUSPENDED' });
    expect((await request(lee.email)).status).toBe(202);
    expect(await tokenSentTo(lee.userId)).toBeUndefined();
  });

  it('stops mailing one address after a few requests, still answering 202', async () => {
    const kim = users.add();
    for (let i = 0; i < 5; i++) expect((await request(kim.email)).status).toBe(202);
    const sent = (await svc.outbox('auth.password.reset')).filter((e) => e.data.userId === kim.userId);
    expect(sent).toHaveLength(3);
  });
});

describe('password reset confirm', () => {
  it('sets the password through user, ends every session and publishes the completion', async () => {
    const kim = users.add();
    const a = (await login(svc, kim.email)).body;
    const b = (await login(svc, kim.email)).body;
    await request(kim.email);
    const token = (await tokenSentTo(kim.userId))!;
    expect((await confirm(token)).status).toBe(204);
    expect(kim.password).toBe('brand new horse');
    for (const pair of [a, b]) {
      expect((await svc.call('GET', '/api/v1/auth/sessions', { token: pair.accessToken })).body.code).toBe(
        'SESSION_REVOKED',
      );
      expect(
        (await svc.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } }))
          .status,
      ).toBe(401);
    }
    const logouts = (await svc.outbox('auth.user.logout')).filter((e) => e.data.userId === kim.userId);
    expect(logouts.map((e) => e.data.reason)).toEqual(['password_reset', 'password_reset']);
    const [done] = (await svc.outbox('auth.password.reset')).filter(
      (e) => e.data.userId === kim.userId && e.data.phase === 'completed',
    );
    expect(done!.data).not.toHaveProperty('resetToken');
    const fresh = await login(svc, kim.email, 'brand new horse');
    expect(fresh.status).toBe(200);
    expect(decodeJwt(fresh.body.accessToken).sub).toBe(kim.userId);
  });

  it('refuses a token used once already', async () => {
    const kim = users.add();
    await request(kim.email);
    const token = (await tokenSentTo(kim.userId))!;
    expect((await confirm(token)).status).toBe(204);
    const again = await confirm(token, 'another new horse');
    expect([again.status, again.body.code]).toEqual([400, 'RESET_TOKEN_USED']);
    expect(again.body.errors[0].path).toBe('token');
    expect(kim.password).toBe('brand new horse');
  });

  it('refuses an expired token, one replaced by a newer request, and a made-up one', async () => {
    const kim = users.add();
    await request(kim.email);
    const old = (await tokenSentTo(kim.userId))!;
    await request(kim.email);
    const newer = (await tokenSentTo(kim.userId))!;
    expect((await confirm(old)).body.code).toBe('RESET_TOKEN_USED');
    await svc.deps.db
      .updateTable('password_resets')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', kim.userId)
      .execute();
    expect((await confirm(newer)).body.code).toBe('RESET_TOKEN_EXPIRED');
    expect((await confirm('made-up')).body.code).toBe('RESET_TOKEN_INVALID');
    expect(kim.password).toBe('correct horse');
  });

  it('keeps the token usable when user cannot set the password', async () => {
    const kim = users.add();
    await request(kim.email);
    const token = (await tokenSentTo(kim.userId))!;
    users.down = true;
    const failed = await confirm(token);
    users.down = false;
    expect(failed.status).toBe(503);
    expect((await confirm(token)).status).toBe(204);
  });

  it('names a weak new password', async () => {
    const res = await confirm('anything', 'short');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('newPassword');
  });

  it('lifts a login lockout once the mailbox is proven', async () => {
    const kim = users.add();
    for (let i = 0; i < 6; i++) await login(svc, kim.email, 'wrong');
    expect((await login(svc, kim.email)).status).toBe(429);
    await request(kim.email);
    expect((await confirm((await tokenSentTo(kim.userId))!)).status).toBe(204);
    expect((await login(svc, kim.email, 'brand new horse')).status).toBe(200);
  });
});
