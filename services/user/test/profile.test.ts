import { TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { signUp, userForFile } from './helpers.ts';

const svc = userForFile();
const internal = { 'dapr-api-token': TEST_APP_TOKEN };

describe('my profile', () => {
  it('shows the signed-in account and refuses an anonymous caller', async () => {
    const kim = await signUp(svc);
    const res = await svc.call('GET', '/api/v1/users/me', { token: kim.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: kim.id,
      email: kim.email,
      role: 'buyer',
      grade: 'BRONZE',
      status: 'ACTIVE',
      marketingConsent: false,
    });
    const anonymous = await svc.call('GET', '/api/v1/users/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers 404 for a token whose account does not exist', async () => {
    const res = await svc.call('GET', '/api/v1/users/me', {
      token: await tokenFor('0190a0a0-0000-7000-8000-0000000000ff', 'buyer'),
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('USER_NOT_FOUND');
  });

  it('changes name, phone and consent and publishes user.updated naming only what changed', async () => {
    const kim = await signUp(svc);
    const res = await svc.call('PATCH', '/api/v1/users/me', {
      token: kim.token,
      body: { name: '김영희', phone: null, marketingConsent: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '김영희', phone: null, marketingConsent: true });
    const again = await svc.call('PATCH', '/api/v1/users/me', { token: kim.token, body: { name: '김영희' } });
    expect(again.status).toBe(200);
    const events = (await svc.outbox('user.updated')).filter((e) => e.data.userId === kim.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data.changes).toEqual(['name', 'phone', 'marketingConsent']);
  });

  it('refuses to change the email or an unknown field, naming it', async () => {
    const kim = await signUp(svc);
    const res = await svc.call('PATCH', '/api/v1/users/me', {
      token: kim.token,
      body: { email: 'new@example.kr', phone: '123' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['(root)', 'phone']);
    expect(JSON.stringify(res.body.errors)).toContain('email');
  });
});

describe('password change', () => {
  it('needs the current password, then announces the change so that auth ends the sessions', async () => {
    const kim = await signUp(svc);
    const wrong = await svc.call('PUT', '/api/v1/users/me/password', {
      token: kim.token,
      body: { currentPassword: 'wrong horse', newPassword: 'battery staple' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('CURRENT_PASSWORD_WRONG');
    const short = await svc.call('PUT', '/api/v1/users/me/password', {
      token: kim.token,
      body: { currentPassword: 'correct horse', newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].path).toBe('newPassword');
    const ok = await svc.call('PUT', '/api/v1/users/me/password', {
      token: kim.token,
      body: { currentPassword: 'correct horse', newPassword: 'battery staple' },
    });
    expect(ok.status).toBe(204);
    const verify = (password: string) =>
      svc.call('POST', '/internal/credentials/verify', {
        body: { email: kim.email, password },
        headers: internal,
      });
    expect((await verify('battery staple')).status).toBe(200);
    expect((await verify('correct horse')).status).toBe(401);
    const [event] = (await svc.outbox('user.updated')).filter((e) => e.data.userId === kim.id);
    expect(event!.data.changes).toEqual(['password']);
  });

  it('tells an account without a password to reset it instead', async () => {
    const res = await svc.call('POST', '/internal/users/external', {
      body: { email: `social-${Date.now()}@example.kr`, emailVerified: true, name: '소셜' },
      headers: internal,
    });
    const token = await tokenFor(res.body.userId, 'buyer');
    const change = await svc.call('PUT', '/api/v1/users/me/password', {
      token,
      body: { currentPassword: 'anything', newPassword: 'battery staple' },
    });
    expect(change.status).toBe(409);
    expect(change.body.code).toBe('NO_PASSWORD');
  });
});

describe('account deletion (회원 탈퇴)', () => {
  it('scrubs personal data, removes addresses and saved lists, frees the email and publishes user.deleted', async () => {
    const kim = await signUp(svc);
    await svc.call('POST', '/api/v1/users/me/addresses', {
      token: kim.token,
      body: {
        recipient: '김철수',
        phone: '010-1234-5678',
        address: '서울시 강남구 테헤란로 1',
        zipCode: '06234',
      },
    });
    await svc.call('POST', '/api/v1/users/me/recent-views', { token: kim.token, body: { productId: 'p-1' } });
    const res = await svc.call('DELETE', '/api/v1/users/me', {
      token: kim.token,
      body: { currentPassword: 'correct horse' },
    });
    expect(res.status).toBe(204);

    const row = await svc.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', kim.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'DELETED', name: '탈퇴한 회원', phone: null, password_hash: null });
    expect(row.email).not.toContain(kim.email.split('@')[0]);
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(
      await svc.deps.db.selectFrom('addresses').where('user_id', '=', kim.id).selectAll().execute(),
    ).toEqual([]);
    expect((await svc.dapr.getState('productviews', `recent-views:${kim.id}`)).value).toBeUndefined();

    const [event] = (await svc.outbox('user.deleted')).filter((e) => e.data.userId === kim.id);
    expect(event).toBeDefined();
    expect((await svc.call('GET', '/api/v1/users/me', { token: kim.token })).status).toBe(404);
    const internalView = await svc.call('GET', `/internal/users/${kim.id}`, { headers: internal });
    expect(internalView.body).toMatchObject({ status: 'DELETED', phone: null, name: '탈퇴한 회원' });
    // The email may sign up again.
    const again = await svc.call('POST', '/api/v1/users', {
      body: { email: kim.email, password: 'correct horse', name: '새 회원' },
    });
    expect(again.status).toBe(201);
  });

  it('does not let an admin delete their own account', async () => {
    const created = await svc.call('POST', '/internal/users/external', {
      body: { email: `adm-${Date.now()}@example.kr`, emailVerified: true, name: '관리자' },
      headers: internal,
    });
    await svc.deps.db
      .updateTable('users')
      .set({ role: 'admin' })
      .where('id', '=', created.body.userId)
      .execute();
    const res = await svc.call('DELETE', '/api/v1/users/me', {
      token: await tokenFor(created.body.userId, 'admin'),
      body: {},
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ADMIN_CANNOT_DELETE');
  });
});
