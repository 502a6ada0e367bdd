import { subscriptionsOf } from '@mp/contracts';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { userForFile } from './helpers.ts';

const svc = userForFile();

const email = () => `buyer-${Math.random().toString(36).slice(2)}@example.kr`;
const internal = { 'dapr-api-token': TEST_APP_TOKEN };

describe('sign-up', () => {
  it('creates a buyer and publishes user.created with it', async () => {
    const address = email();
    const res = await svc.call('POST', '/api/v1/users', {
      body: {
        email: address,
        password: 'correct horse',
        name: '김철수',
        phone: '010-1234-5678',
        role: 'buyer',
      },
      headers: { 'x-correlation-id': 'corr-signup' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: address, name: '김철수', role: 'buyer', grade: 'BRONZE' });
    expect(res.body).not.toHaveProperty('password');
    const [event] = (await svc.outbox('user.created')).filter((e) => e.data.userId === res.body.id);
    expect(event).toMatchObject({
      correlationId: 'corr-signup',
      userId: res.body.id,
      data: { email: address, role: 'buyer' },
    });
    const row = await svc.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('answers a duplicate email, in any case, with 409 and writes nothing', async () => {
    const address = email();
    const body = { email: address, password: 'correct horse', name: 'A', role: 'buyer' };
    expect((await svc.call('POST', '/api/v1/users', { body })).status).toBe(201);
    const before = (await svc.outbox('user.created')).length;
    const dup = await svc.call('POST', '/api/v1/users', { body: { ...body, email: address.toUpperCase() } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
    expect(await svc.outbox('user.created')).toHaveLength(before);
  });

  it('names every bad field', async () => {
    const res = await svc.call('POST', '/api/v1/users', {
      body: { email: 'nope', password: 'short', name: '', phone: '12', role: 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'email',
      'name',
      'password',
      'phone',
      'role',
    ]);
  });
});

describe('credential check for auth (internal)', () => {
  it('accepts the right password and refuses a wrong one and an unknown email alike', async () => {
    const address = email();
    const created = await svc.call('POST', '/api/v1/users', {
      body: { email: address, password: 'correct horse', name: 'B' },
    });
    const ok = await svc.call('POST', '/internal/credentials/verify', {
      body: { email: address, password: 'correct horse' },
      headers: internal,
    });
    expect(ok.body).toMatchObject({ userId: created.body.id, role: 'buyer', status: 'ACTIVE' });
    const wrong = await svc.call('POST', '/internal/credentials/verify', {
      body: { email: address, password: 'wrong horse' },
      headers: internal,
    });
    const unknown = await svc.call('POST', '/internal/credentials/verify', {
      body: { email: email(), password: 'wrong horse' },
      headers: internal,
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('is refused without the app token', async () => {
    const res = await svc.call('POST', '/internal/credentials/verify', {
      body: { email: 'a@b.kr', password: 'x' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('INTERNAL_ONLY');
  });

  it('subscribes to exactly the topics the catalog gives it', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('user')].sort(),
    );
  });
});
