import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { signUp, uniqueEmail, userForFile } from './helpers.ts';

const svc = userForFile();
const headers = { 'dapr-api-token': TEST_APP_TOKEN };
const call = (method: string, path: string, body?: unknown) => svc.call(method, path, { headers, body });

describe('GET /internal/users/{userId}: a user for other services', () => {
  it('answers the account in the contract shape, and 404 USER_NOT_FOUND otherwise', async () => {
    const kim = await signUp(svc, 'seller');
    const res = await call('GET', `/internal/users/${kim.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: kim.id,
      email: kim.email,
      name: '김철수',
      phone: '010-1234-5678',
      role: 'seller',
      status: 'ACTIVE',
      emailVerified: false,
    });
    for (const id of ['0190a0a0-0000-7000-8000-0000000000aa', 'not-a-uuid']) {
      const missing = await call('GET', `/internal/users/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('USER_NOT_FOUND');
    }
  });

  it('is refused without the app token', async () => {
    const res = await svc.call('GET', '/internal/users/0190a0a0-0000-7000-8000-0000000000aa');
    expect(res.status).toBe(403);
  });
});

describe('lookup by email (password reset)', () => {
  it('finds a live account case-insensitively and nothing else', async () => {
    const kim = await signUp(svc);
    const res = await call('POST', '/internal/users/lookup', { email: kim.email.toUpperCase() });
    expect(res.body).toMatchObject({ userId: kim.id, hasPassword: true, status: 'ACTIVE' });
    expect((await call('POST', '/internal/users/lookup', { email: uniqueEmail() })).status).toBe(404);
  });
});

describe('external identities (social login)', () => {
  it('creates a buyer without a password on first sign-in and finds it again', async () => {
    const email = uniqueEmail('kakao');
    const first = await call('POST', '/internal/users/external', {
      email,
      emailVerified: true,
      name: '카카오',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ email, role: 'buyer', status: 'ACTIVE', created: true });
    const again = await call('POST', '/internal/users/external', {
      email,
      emailVerified: true,
      name: '카카오',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ userId: first.body.userId, created: false });
    const [created] = (await svc.outbox('user.created')).filter((e) => e.data.userId === first.body.userId);
    expect(created).toBeDefined();
    const row = await svc.deps.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', first.body.userId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
  });

  it('links a verified email to the existing account and refuses an unverified one', async () => {
    const kim = await signUp(svc);
    const verified = await call('POST', '/internal/users/external', {
      email: kim.email,
      emailVerified: true,
      name: 'x',
    });
    expect(verified.body).toMatchObject({ userId: kim.id, created: false });
    const unverified = await call('POST', '/internal/users/external', {
      email: kim.email,
      emailVerified: false,
      name: 'x',
    });
    expect(unverified.status).toBe(409);
    expect(unverified.body.code).toBe('ACCOUNT_EXISTS');
  });
});

describe('password set by auth (reset confirmed)', () => {
  it('replaces the password and publishes user.updated', async () => {
    const kim = await signUp(svc);
    expect(
      (await call('PUT', `/internal/users/${kim.id}/password`, { password: 'brand new horse' })).status,
    ).toBe(204);
    expect(
      (await call('POST', '/internal/credentials/verify', { email: kim.email, password: 'brand new horse' }))
        .status,
    ).toBe(200);
    expect((await call('PUT', `/internal/users/${kim.id}/password`, { password: 'short' })).status).toBe(400);
    expect(
      (
        await call('PUT', '/internal/users/0190a0a0-0000-7000-8000-0000000000ab/password', {
          password: 'long enough',
        })
      ).status,
    ).toBe(404);
  });
});

describe('email verified by auth (verification link confirmed)', () => {
  it('marks the email verified once, announces it, and says so in GET /internal/users/{userId} and user.created', async () => {
    const kim = await signUp(svc);
    const [created] = (await svc.outbox('user.created')).filter((e) => e.data.userId === kim.id);
    expect(created!.data.emailVerified).toBe(false);
    for (let i = 0; i < 2; i++)
      expect((await call('POST', `/internal/users/${kim.id}/email-verified`)).status).toBe(204);
    expect((await call('GET', `/internal/users/${kim.id}`)).body.emailVerified).toBe(true);
    const me = await svc.call('GET', '/api/v1/users/me', { token: kim.token });
    expect(me.body.emailVerified).toBe(true);
    const updates = (await svc.outbox('user.updated')).filter((e) => e.data.userId === kim.id);
    expect(updates.map((e) => e.data.changes)).toEqual([['emailVerified']]);
    expect(
      (await call('POST', '/internal/users/0190a0a0-0000-7000-8000-0000000000ac/email-verified')).status,
    ).toBe(404);
  });
});

describe('suspension (admin)', () => {
  it('suspends and restores, each change announced once with the status', async () => {
    const kim = await signUp(svc);
    const s1 = await call('POST', `/internal/users/${kim.id}/suspend`, {
      reason: '부정 거래',
      adminId: 'a-1',
    });
    const s2 = await call('POST', `/internal/users/${kim.id}/suspend`, { reason: '부정 거래' });
    expect([s1.status, s2.status]).toEqual([200, 200]);
    expect(s1.body).toMatchObject({ status: 'SUSPENDED', suspendedReason: '부정 거래' });
    const verify = await call('POST', '/internal/credentials/verify', {
      email: kim.email,
      password: 'correct horse',
    });
    expect(verify.body.status).toBe('SUSPENDED');
    const r = await call('POST', `/internal/users/${kim.id}/restore`, {});
    expect(r.body).toMatchObject({ status: 'ACTIVE', suspendedReason: null });
    const events = (await svc.outbox('user.updated'))
      .filter((e) => e.data.userId === kim.id)
      .map((e) => e.data.status);
    expect(events).toEqual(['SUSPENDED', 'ACTIVE']);
  });

  it('does not suspend an admin', async () => {
    const kim = await signUp(svc);
    await svc.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', kim.id).execute();
    const res = await call('POST', `/internal/users/${kim.id}/suspend`, { reason: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('ADMIN_NOT_SUSPENDABLE');
  });
});

describe('account list (admin)', () => {
  it('filters by status, role and text, newest first, in keyset pages', async () => {
    const tag = `find${Date.now()}`;
    const a = await signUp(svc, 'seller', tag);
    const b = await signUp(svc, 'seller', tag);
    const c = await signUp(svc, 'buyer', tag);
    await call('POST', `/internal/users/${b.id}/suspend`, { reason: 'x' });
    const sellers = await call('GET', `/internal/users?q=${tag}&role=seller`);
    expect(sellers.body.items.map((u: { userId: string }) => u.userId)).toEqual([b.id, a.id]);
    const suspended = await call('GET', `/internal/users?q=${tag}&status=SUSPENDED`);
    expect(suspended.body.items.map((u: { userId: string }) => u.userId)).toEqual([b.id]);
    const p1 = await call('GET', `/internal/users?q=${tag}&limit=2`);
    const p2 = await call('GET', `/internal/users?q=${tag}&limit=2&cursor=${p1.body.nextCursor}`);
    expect([...p1.body.items, ...p2.body.items].map((u: { userId: string }) => u.userId)).toEqual([
      c.id,
      b.id,
      a.id,
    ]);
    expect(p2.body.nextCursor).toBeNull();
    expect((await call('GET', '/internal/users?status=GONE')).status).toBe(400);
    // A percent sign is searched for, not a wildcard.
    expect((await call('GET', '/internal/users?q=%25')).body.items).toEqual([]);
  });
});

describe('POST /internal/users/batch: several accounts in one call (notification)', () => {
  it('answers the accounts found, leaving out unknown ids and ones that are not ids', async () => {
    const kim = await signUp(svc, 'seller');
    const lee = await signUp(svc);
    const res = await call('POST', '/internal/users/batch', {
      userIds: [kim.id, lee.id, kim.id, '0190a0a0-0000-7000-8000-0000000000aa', 'not-a-uuid'],
    });
    expect(res.status).toBe(200);
    const users = res.body.users as { userId: string }[];
    expect(users.map((u) => u.userId).sort()).toEqual([kim.id, lee.id].sort());
    expect(users.find((u) => u.userId === kim.id)).toEqual({
      userId: kim.id,
      email: kim.email,
      name: '김철수',
      phone: '010-1234-5678',
      role: 'seller',
      status: 'ACTIVE',
      emailVerified: false,
    });
  });

  it('refuses an empty or oversized list with 400 naming the field', async () => {
    for (const userIds of [[], Array.from({ length: 201 }, (_, i) => `u${i}`)]) {
      const res = await call('POST', '/internal/users/batch', { userIds });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('userIds');
    }
  });
});
