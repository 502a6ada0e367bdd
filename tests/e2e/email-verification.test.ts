/**
 * Email verification at sign-up: the link travels through the SMTP sink (its token fetched by
 * notification from auth, never on the broker); confirming it marks the account's email verified.
 */
import { describe, expect, it } from 'vitest';
import { account, waitForMail } from './identity-lib.ts';
import { adminToken, api, eventually, monitored } from './lib.ts';

const SUBJECT = '이메일 주소를 확인해 주세요';
const tokenIn = (body: string) => /verify-email\?token=([\w-]+)/.exec(body)?.[1];

describe('email verification at sign-up', () => {
  it('mails a link at sign-up; confirming it verifies the email, once', async () => {
    const kim = await account('buyer', 'verify');
    const me = () => api('GET', '/api/v1/users/me', { token: kim.token });
    expect((await me()).body.emailVerified).toBe(false);

    const token = tokenIn((await waitForMail(kim.email, SUBJECT)).body);
    expect(token).toBeTruthy();
    const done = await api('POST', '/api/v1/auth/email-verification/confirm', { body: { token } });
    expect(done.status).toBe(204);
    expect((await me()).body.emailVerified).toBe(true);

    const again = await api('POST', '/api/v1/auth/email-verification/confirm', { body: { token } });
    expect([again.status, again.body.code]).toEqual([400, 'VERIFICATION_TOKEN_USED']);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.errors[0].path).toBe('token');
    const resend = await api('POST', '/api/v1/auth/email-verification', { token: kim.token });
    expect([resend.status, resend.body.code]).toEqual([409, 'EMAIL_ALREADY_VERIFIED']);

    // The event names the verification; the monitor never sees the token.
    const admin = await adminToken();
    const seen = await eventually(async () => {
      const items = await monitored(admin, { type: 'auth.email.verification' });
      return JSON.stringify(items).includes(kim.id) ? items : undefined;
    });
    expect(JSON.stringify(seen)).not.toContain(token!);
  });
});
