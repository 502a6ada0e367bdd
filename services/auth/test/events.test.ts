import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { authForFile, FakeUsers, login } from './helpers.ts';

const users = new FakeUsers();
const svc = authForFile(users);

const deliver = async (source: 'user' | 'admin', topic: string, data: object) => {
  const event = buildEvent(source, 'test', topic as never, data as never);
  const res = await svc.call('POST', `/events/${topic}`, {
    body: { id: event.eventId, data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });
  expect(res.body).toEqual({ status: 'SUCCESS' });
};
const alive = async (accessToken: string) =>
  (await svc.call('GET', '/api/v1/auth/sessions', { token: accessToken })).status === 200;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

describe('accounts that may no longer sign in lose their sessions', () => {
  it('on admin.user.suspended, every session started before the suspension', async () => {
    const kim = users.add();
    const a = (await login(svc, kim.email)).body;
    const b = (await login(svc, kim.email)).body;
    await deliver('admin', 'admin.user.suspended', {
      userId: kim.userId,
      adminId: 'a-1',
      reason: '부정 거래',
      suspendedAt: iso(1),
    });
    expect([await alive(a.accessToken), await alive(b.accessToken)]).toEqual([false, false]);
    const reasons = (await svc.outbox('auth.user.logout'))
      .filter((e) => e.data.userId === kim.userId)
      .map((e) => e.data.reason);
    expect(reasons).toEqual(['suspended', 'suspended']);
  });

  it('on user.updated with status SUSPENDED, but a sign-in made after it survives a late event', async () => {
    const kim = users.add();
    const before = (await login(svc, kim.email)).body;
    const suspendedAt = iso(1);
    await new Promise((r) => setTimeout(r, 5));
    const after = (await login(svc, kim.email)).body;
    await deliver('user', 'user.updated', {
      userId: kim.userId,
      changes: ['status'],
      status: 'SUSPENDED',
      updatedAt: suspendedAt,
    });
    expect(await alive(before.accessToken)).toBe(false);
    expect(await alive(after.accessToken)).toBe(true);
  });

  it('on a password change, and not on other profile changes', async () => {
    const kim = users.add();
    const pair = (await login(svc, kim.email)).body;
    await deliver('user', 'user.updated', {
      userId: kim.userId,
      changes: ['name', 'grade'],
      status: 'ACTIVE',
      updatedAt: iso(1),
    });
    expect(await alive(pair.accessToken)).toBe(true);
    await deliver('user', 'user.updated', {
      userId: kim.userId,
      changes: ['password'],
      status: 'ACTIVE',
      updatedAt: iso(1),
    });
    expect(await alive(pair.accessToken)).toBe(false);
    const [event] = (await svc.outbox('auth.user.logout')).filter(
      (e) => e.data.sessionId === decodeJwt(pair.accessToken).sid,
    );
    expect(event!.data.reason).toBe('password_changed');
  });

  it('on user.deleted, erasing the second factor and provider links too', async () => {
    const kim = users.add();
    const pair = (await login(svc, kim.email)).body;
    await svc.call('POST', '/api/v1/auth/2fa/setup', { token: pair.accessToken });
    await svc.deps.db
      .insertInto('external_identities')
      .values({
        provider: 'kakao',
        subject: `k-${kim.userId}`,
        user_id: kim.userId,
        email: kim.email,
        last_login_at: null,
      })
      .execute();
    await deliver('user', 'user.deleted', { userId: kim.userId, deletedAt: iso(1) });
    expect(await alive(pair.accessToken)).toBe(false);
    expect(
      await svc.deps.db.selectFrom('two_factor').where('user_id', '=', kim.userId).selectAll().execute(),
    ).toEqual([]);
    expect(
      await svc.deps.db
        .selectFrom('external_identities')
        .where('user_id', '=', kim.userId)
        .selectAll()
        .execute(),
    ).toEqual([]);
  });
});

describe('subscriptions', () => {
  it('subscribes to exactly the topics the catalog gives auth', async () => {
    const { subscriptionsOf } = await import('@mp/contracts');
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('auth')].sort(),
    );
  });
});
