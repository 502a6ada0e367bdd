import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { authForFile, FakeUsers, login } from './helpers.ts';

const users = new FakeUsers();
const svc = authForFile(users);

const refresh = (refreshToken: string) =>
  svc.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
const sessions = (token: string) => svc.call('GET', '/api/v1/auth/sessions', { token });
const revokedList = async () =>
  (await svc.call('GET', '/internal/sessions/revoked', { headers: { 'dapr-api-token': TEST_APP_TOKEN } }))
    .body.sessionIds as string[];
const sid = (accessToken: string) => String(decodeJwt(accessToken).sid);

describe('refresh', () => {
  it('rotates on every use: a new pair in the same session, the old refresh token spent', async () => {
    const kim = users.add();
    const first = (await login(svc, kim.email)).body;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(sid(second.body.accessToken)).toBe(sid(first.accessToken));
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    const events = (await svc.outbox('auth.token.refreshed')).filter((e) => e.data.userId === kim.userId);
    expect(events).toHaveLength(2);
    expect(events[0]!.data.sessionId).toBe(sid(first.accessToken));
  });

  it('rejects a spent refresh token and revokes the session', async () => {
    const kim = users.add();
    const first = (await login(svc, kim.email)).body;
    const other = (await login(svc, kim.email)).body;
    const second = (await refresh(first.refreshToken)).body;
    const replay = await refresh(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    // Every token of that session stops: the newest refresh token and the access tokens.
    const next = await refresh(second.refreshToken);
    expect([next.status, next.body.code]).toEqual([401, 'SESSION_REVOKED']);
    for (const token of [first.accessToken, second.accessToken]) {
      const res = await sessions(token);
      expect([res.status, res.body.code]).toEqual([401, 'SESSION_REVOKED']);
    }
    expect(await revokedList()).toContain(sid(first.accessToken));
    // Another session of the same account carries on.
    expect((await sessions(other.accessToken)).status).toBe(200);
    const [logout] = (await svc.outbox('auth.user.logout')).filter(
      (e) => e.data.sessionId === sid(first.accessToken),
    );
    expect(logout!.data.reason).toBe('refresh_reuse');
  });

  it('lets only one of two simultaneous exchanges of a token win, and ends the session', async () => {
    const kim = users.add();
    const first = (await login(svc, kim.email)).body;
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    expect(await revokedList()).toContain(sid(first.accessToken));
  });

  it('refuses an unknown token, and an account suspended since', async () => {
    expect((await refresh('not-a-token')).body.code).toBe('REFRESH_TOKEN_INVALID');
    const kim = users.add();
    const pair = (await login(svc, kim.email)).body;
    kim.status = 'SUSPENDED';
    const res = await refresh(pair.refreshToken);
    expect([res.status, res.body.code]).toEqual([401, 'SESSION_REVOKED']);
    expect(await revokedList()).toContain(sid(pair.accessToken));
  });

  it('refuses an expired refresh token', async () => {
    const kim = users.add();
    const pair = (await login(svc, kim.email)).body;
    await svc.deps.db
      .updateTable('refresh_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', kim.userId)
      .execute();
    expect((await refresh(pair.refreshToken)).body.code).toBe('REFRESH_TOKEN_EXPIRED');
  });

  it('takes the current role from user at each refresh', async () => {
    const kim = users.add();
    const pair = (await login(svc, kim.email)).body;
    kim.role = 'seller';
    const next = (await refresh(pair.refreshToken)).body;
    expect(decodeJwt(next.accessToken).role).toBe('seller');
  });
});

describe('logout and sessions', () => {
  it('lists my live sessions with the current one marked, and logout ends only this one', async () => {
    const kim = users.add();
    const phone = (
      await svc.call('POST', '/api/v1/auth/login', {
        body: { email: kim.email, password: 'correct horse' },
        headers: { 'user-agent': 'phone', 'x-forwarded-for': '198.51.100.1' },
      })
    ).body;
    const laptop = (await login(svc, kim.email)).body;
    const list = await sessions(laptop.accessToken);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const current = list.body.items.find((s: { current: boolean }) => s.current);
    expect(current.id).toBe(sid(laptop.accessToken));
    expect(list.body.items.find((s: { id: string }) => s.id === sid(phone.accessToken))).toMatchObject({
      userAgent: 'phone',
      ip: '198.51.100.1',
      method: 'password',
    });

    expect((await svc.call('POST', '/api/v1/auth/logout', { token: phone.accessToken })).status).toBe(204);
    expect((await sessions(phone.accessToken)).body.code).toBe('SESSION_REVOKED');
    expect((await refresh(phone.refreshToken)).body.code).toBe('SESSION_REVOKED');
    const after = await sessions(laptop.accessToken);
    expect(after.body.items.map((s: { id: string }) => s.id)).toEqual([sid(laptop.accessToken)]);
    const [event] = (await svc.outbox('auth.user.logout')).filter(
      (e) => e.data.sessionId === sid(phone.accessToken),
    );
    expect(event!.data).toMatchObject({ userId: kim.userId, reason: 'logout' });
    expect((await svc.dapr.getState('sessions', `session:${sid(phone.accessToken)}`)).value).toBeUndefined();
  });

  it("ends one of my other sessions by id, and answers 404 for someone else's", async () => {
    const kim = users.add();
    const lee = users.add();
    const a = (await login(svc, kim.email)).body;
    const b = (await login(svc, kim.email)).body;
    const theirs = (await login(svc, lee.email)).body;
    const foreign = await svc.call('DELETE', `/api/v1/auth/sessions/${sid(theirs.accessToken)}`, {
      token: a.accessToken,
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'SESSION_NOT_FOUND']);
    expect((await sessions(theirs.accessToken)).status).toBe(200);
    expect(
      (await svc.call('DELETE', `/api/v1/auth/sessions/${sid(b.accessToken)}`, { token: a.accessToken }))
        .status,
    ).toBe(204);
    expect((await sessions(b.accessToken)).body.code).toBe('SESSION_REVOKED');
    // Ending it twice: it is gone.
    expect(
      (await svc.call('DELETE', `/api/v1/auth/sessions/${sid(b.accessToken)}`, { token: a.accessToken }))
        .status,
    ).toBe(404);
  });

  it('needs a signed-in caller', async () => {
    expect((await svc.call('POST', '/api/v1/auth/logout')).status).toBe(401);
    expect((await svc.call('GET', '/api/v1/auth/sessions')).status).toBe(401);
  });

  it('keeps only recently ended sessions in the revoked list', async () => {
    const kim = users.add();
    const pair = (await login(svc, kim.email)).body;
    await svc.call('POST', '/api/v1/auth/logout', { token: pair.accessToken });
    expect(await revokedList()).toContain(sid(pair.accessToken));
    await svc.deps.db
      .updateTable('sessions')
      .set({ revoked_at: new Date(Date.now() - 3600_000) })
      .where('session_id', '=', sid(pair.accessToken))
      .execute();
    expect(await revokedList()).not.toContain(sid(pair.accessToken));
    expect((await svc.call('GET', '/internal/sessions/revoked')).status).toBe(403);
  });
});

describe('absolute session lifetime', () => {
  const day = 86_400_000;
  const startedAt = (sessionId: string, at: Date) =>
    svc.deps.db.updateTable('sessions').set({ created_at: at }).where('session_id', '=', sessionId).execute();

  it('never carries a session past its maximum lifetime (30 days) from the sign-in', async () => {
    const kim = users.add();
    const first = (await login(svc, kim.email)).body;
    const id = sid(first.accessToken);
    // Signed in 29 days and 23 hours ago: a refresh works, but only up to the 30th day.
    const start = new Date(Date.now() - 30 * day + 3_600_000);
    await startedAt(id, start);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    const listed = (await sessions(second.body.accessToken)).body.items.find(
      (s: { id: string }) => s.id === id,
    );
    expect(new Date(listed.expiresAt).getTime()).toBeLessThanOrEqual(start.getTime() + 30 * day);
    const token = await svc.deps.db
      .selectFrom('refresh_tokens')
      .select('expires_at')
      .where('session_id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(token.expires_at.getTime()).toBeLessThanOrEqual(start.getTime() + 30 * day);

    // Past the 30th day the session is over, whatever its refresh token says.
    await startedAt(id, new Date(Date.now() - 31 * day));
    const third = await refresh(second.body.refreshToken);
    expect([third.status, third.body.code]).toEqual([401, 'SESSION_EXPIRED']);
  });
});
