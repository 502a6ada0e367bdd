import { TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { adminBootstrap } from '../src/domain/bootstrap.ts';
import { signUp, uniqueEmail, userForFile } from './helpers.ts';

const svc = userForFile();
const internal = { 'dapr-api-token': TEST_APP_TOKEN };
const external = (email: string, emailVerified = true) =>
  svc.call('POST', '/internal/users/external', {
    body: { email, emailVerified, name: '소셜' },
    headers: internal,
  });
const verify = (email: string, password: string) =>
  svc.call('POST', '/internal/credentials/verify', { body: { email, password }, headers: internal });

describe('email verification and social sign-in', () => {
  it('marks a password sign-up unverified, and a provider-verified new account verified', async () => {
    const kim = await signUp(svc);
    expect((await svc.call('GET', '/api/v1/users/me', { token: kim.token })).body.emailVerified).toBe(false);
    const social = await external(uniqueEmail('social'));
    expect(social.status).toBe(201);
    const me = await svc.call('GET', '/api/v1/users/me', {
      token: await tokenFor(social.body.userId, 'buyer'),
    });
    expect(me.body.emailVerified).toBe(true);
  });

  it('gives a never-verified password account to the provider-verified owner: the password goes, user.updated names it', async () => {
    const squatted = await signUp(svc);
    const res = await external(squatted.email);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: squatted.id, created: false, takenOver: true });
    expect((await verify(squatted.email, 'correct horse')).status).toBe(401);
    const row = await svc.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', squatted.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    expect(row.email_verified_at).toBeInstanceOf(Date);
    const [event] = (await svc.outbox('user.updated')).filter((e) => e.data.userId === squatted.id);
    expect(event!.data.changes).toEqual(['password', 'emailVerified']);
    // Once verified, a second social sign-in only links.
    expect((await external(squatted.email)).body.takenOver).toBe(false);
  });

  it('links a verified password account without touching its password (a confirmed reset proves the mailbox)', async () => {
    const kim = await signUp(svc);
    const reset = await svc.call('PUT', `/internal/users/${kim.id}/password`, {
      body: { password: 'brand new horse' },
      headers: internal,
    });
    expect(reset.status).toBe(204);
    const res = await external(kim.email);
    expect(res.body).toMatchObject({ userId: kim.id, takenOver: false });
    expect((await verify(kim.email, 'brand new horse')).status).toBe(200);
  });

  it('never lets an unverified provider email near an existing account', async () => {
    const kim = await signUp(svc);
    const res = await external(kim.email, false);
    expect([res.status, res.body.code]).toEqual([409, 'ACCOUNT_EXISTS']);
    expect((await verify(kim.email, 'correct horse')).status).toBe(200);
  });
});

describe('the configured admin account', () => {
  it('counts its email as verified, also for an admin made before email verification existed', async () => {
    const email = uniqueEmail('admin');
    const deps = {
      ...svc.deps,
      config: { ...svc.deps.config, ADMIN_EMAIL: email, ADMIN_PASSWORD: 'admin-password-x' },
    };
    await adminBootstrap(deps as never).start();
    const made = await svc.deps.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(made.email_verified_at).not.toBeNull();
    // As an older run left it: the same admin, never verified.
    await svc.deps.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', made.id)
      .execute();
    await adminBootstrap(deps as never).start();
    const again = await svc.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    expect(again.email_verified_at).not.toBeNull();
  });
});
