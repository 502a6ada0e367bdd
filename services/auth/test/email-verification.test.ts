import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { authForFile, FakeUsers, login } from './helpers.ts';

const users = new FakeUsers();
const svc = authForFile(users, { EMAIL_VERIFICATION_MAX_PER_WINDOW: '2' });
const internal = { 'dapr-api-token': TEST_APP_TOKEN };

/** user announces a sign-up; auth opens a verification for an email nothing proved. */
const signedUp = async (o: { verified?: boolean } = {}) => {
  const kim = users.add({ verified: o.verified ?? false });
  const event = buildEvent('user', 'test', 'user.created', {
    userId: kim.userId,
    email: kim.email,
    name: kim.name,
    role: 'buyer',
    emailVerified: kim.verified,
    createdAt: new Date().toISOString(),
  });
  const res = await svc.call('POST', '/events/user.created', {
    body: { id: event.eventId, data: event },
    headers: internal,
  });
  expect(res.body).toEqual({ status: 'SUCCESS' });
  return kim;
};
const opened = async (userId: string) =>
  (await svc.outbox('auth.email.verification')).filter((e) => e.data.userId === userId);
/** What notification does: fetch the token of the open verification from auth's internal route. */
const fetchToken = (verificationId: string) =>
  svc.call('GET', `/internal/email-verifications/${verificationId}`, { headers: internal });
const tokenOf = async (userId: string) => {
  const id = (await opened(userId)).at(-1)?.data.verificationId as string;
  return (await fetchToken(id)).body.token as string;
};
const confirm = (token: string) =>
  svc.call('POST', '/api/v1/auth/email-verification/confirm', { body: { token } });

describe('email verification', () => {
  it('opens one at a password sign-up, naming it without its token, which is kept sealed', async () => {
    const kim = await signedUp();
    const events = await opened(kim.userId);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ userId: kim.userId, email: kim.email });
    expect(Date.parse(events[0]!.data.expiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    const id = events[0]!.data.verificationId as string;
    expect((await svc.call('GET', `/internal/email-verifications/${id}`)).status).toBe(403);
    const token = await tokenOf(kim.userId);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify(events[0])).not.toContain(token);
    const rows = await svc.deps.db
      .selectFrom('email_verifications')
      .selectAll()
      .where('user_id', '=', kim.userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('opens none for an account whose email is proven already', async () => {
    const lee = await signedUp({ verified: true });
    expect(await opened(lee.userId)).toHaveLength(0);
  });

  it('marks the email verified through user and spends the token once', async () => {
    const kim = await signedUp();
    const token = await tokenOf(kim.userId);
    const id = (await opened(kim.userId))[0]!.data.verificationId as string;
    expect((await confirm(token)).status).toBe(204);
    expect(kim.verified).toBe(true);
    const again = await confirm(token);
    expect([again.status, again.body.code]).toEqual([400, 'VERIFICATION_TOKEN_USED']);
    expect(again.body.errors[0].path).toBe('token');
    const spent = await fetchToken(id);
    expect([spent.status, spent.body.code]).toEqual([404, 'VERIFICATION_NOT_OPEN']);
    const [row] = await svc.deps.db
      .selectFrom('email_verifications')
      .selectAll()
      .where('verification_id', '=', id)
      .execute();
    expect(row!.token_sealed).toBeNull();
  });

  it('refuses an expired token and a made-up one, naming the token', async () => {
    const kim = await signedUp();
    const token = await tokenOf(kim.userId);
    await svc.deps.db
      .updateTable('email_verifications')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', kim.userId)
      .execute();
    const expired = await confirm(token);
    expect([expired.status, expired.body.code]).toEqual([400, 'VERIFICATION_TOKEN_EXPIRED']);
    expect(expired.body.errors[0].path).toBe('token');
    const id = (await opened(kim.userId))[0]!.data.verificationId as string;
    expect((await fetchToken(id)).status).toBe(404);
    expect((await confirm('made-up')).body.code).toBe('VERIFICATION_TOKEN_INVALID');
    expect(kim.verified).toBe(false);
  });

  it('keeps the token usable when user cannot mark the email', async () => {
    const kim = await signedUp();
    const token = await tokenOf(kim.userId);
    users.down = true;
    const failed = await confirm(token);
    users.down = false;
    expect(failed.status).toBe(503);
    expect((await confirm(token)).status).toBe(204);
  });

  it('sends a signed-in account a new link, replacing the old, throttled, and none once verified', async () => {
    const kim = await signedUp();
    const old = await tokenOf(kim.userId);
    const { accessToken } = (await login(svc, kim.email)).body;
    const resend = () => svc.call('POST', '/api/v1/auth/email-verification', { token: accessToken });
    expect((await svc.call('POST', '/api/v1/auth/email-verification')).status).toBe(401);
    expect((await resend()).status).toBe(202);
    expect(await opened(kim.userId)).toHaveLength(2);
    expect((await confirm(old)).body.code).toBe('VERIFICATION_TOKEN_USED');
    expect((await resend()).status).toBe(202);
    const over = await resend();
    expect([over.status, over.body.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(await opened(kim.userId)).toHaveLength(3);
    expect((await confirm(await tokenOf(kim.userId))).status).toBe(204);
    const done = await svc.call('POST', '/api/v1/auth/email-verification', { token: accessToken });
    expect([done.status, done.body.code]).toEqual([409, 'EMAIL_ALREADY_VERIFIED']);
  });
});
