import { TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { signUp, uniqueEmail, userForFile } from './helpers.ts';

const svc = userForFile({
  env: { PASSWORD_CHECK_SLOW_AFTER: '2', PASSWORD_CHECK_BLOCK_AFTER: '3', PASSWORD_CHECK_DELAY_MS: '0' },
});

const deleteMe = (token: string, body: object) => svc.call('DELETE', '/api/v1/users/me', { token, body });
const changePassword = (token: string, currentPassword: string) =>
  svc.call('PUT', '/api/v1/users/me/password', {
    token,
    body: { currentPassword, newPassword: 'battery staple' },
  });
const alive = async (id: string) =>
  (await svc.call('GET', `/internal/users/${id}`, { headers: { 'dapr-api-token': TEST_APP_TOKEN } })).body
    .status === 'ACTIVE';

describe('account deletion needs re-authentication', () => {
  it('asks an account with a password for it, naming the field, and keeps the account on a wrong one', async () => {
    const kim = await signUp(svc);
    const none = await deleteMe(kim.token, {});
    expect([none.status, none.body.code, none.body.errors[0].path]).toEqual([
      422,
      'CURRENT_PASSWORD_REQUIRED',
      'currentPassword',
    ]);
    const wrong = await deleteMe(kim.token, { currentPassword: 'guess' });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'CURRENT_PASSWORD_WRONG']);
    expect(await alive(kim.id)).toBe(true);
    expect((await deleteMe(kim.token, { currentPassword: 'correct horse' })).status).toBe(204);
    expect(await alive(kim.id)).toBe(false);
  });

  it('asks an account without a password (social sign-in) for a recent sign-in', async () => {
    const created = await svc.call('POST', '/internal/users/external', {
      body: { email: uniqueEmail('social'), emailVerified: true, name: '소셜' },
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    });
    const id = created.body.userId as string;
    const stale = await tokenFor(id, 'buyer', { authTime: Math.floor(Date.now() / 1000) - 3600 });
    const refused = await deleteMe(stale, {});
    expect([refused.status, refused.body.code]).toEqual([403, 'RECENT_SIGN_IN_REQUIRED']);
    expect(await alive(id)).toBe(true);
    expect((await deleteMe(await tokenFor(id, 'buyer'), {})).status).toBe(204);
  });

  it('throttles wrong current passwords: locked after the limit, even for the right one', async () => {
    const kim = await signUp(svc);
    for (let i = 0; i < 3; i++)
      expect((await deleteMe(kim.token, { currentPassword: 'guess' })).status).toBe(422);
    const locked = await deleteMe(kim.token, { currentPassword: 'correct horse' });
    expect([locked.status, locked.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    expect(await alive(kim.id)).toBe(true);
  });
});

describe('password change', () => {
  it('throttles the current-password check like a sign-in: a parallel burst checks no more than the limit', async () => {
    const kim = await signUp(svc);
    const burst = await Promise.all(Array.from({ length: 10 }, () => changePassword(kim.token, 'guess')));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 422)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect((await changePassword(kim.token, 'correct horse')).status).toBe(429);
  });

  it('refuses (503) when the throttle store is down', async () => {
    const kim = await signUp(svc);
    const getState = svc.dapr.getState;
    svc.dapr.getState = async () => {
      throw new Error('connection refused');
    };
    try {
      const res = await changePassword(kim.token, 'correct horse');
      expect([res.status, res.body.code]).toEqual([503, 'THROTTLE_UNAVAILABLE']);
    } finally {
      svc.dapr.getState = getState;
    }
    expect((await changePassword(kim.token, 'correct horse')).status).toBe(204);
  });
});
