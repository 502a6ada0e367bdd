/**
 * Identity end to end, through the gateway and real Dapr: the sign-in journey, password reset by
 * mail (a real SMTP sink), social login against a real OIDC provider, admin decisions, and the
 * events each step leaves in the admin monitor.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { beforeAll, describe, expect, it } from 'vitest';
import { account, PASSWORD, socialLogin, waitForMail } from './identity-lib.ts';
import { adminToken, api, daprCounter, eventually, login, monitored, uniqueEmail } from './lib.ts';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

/** Every request of a story carries one correlation id, so its events can be found in the monitor. */
const story = () => {
  const correlationId = `e2e-identity-${randomUUID()}`;
  const call = (method: string, path: string, o: { token?: string; body?: unknown } = {}) =>
    api(method, path, { ...o, headers: { 'x-correlation-id': correlationId } });
  /** Waits until the monitor shows each of `want`, and as many of a type as `atLeast` asks (it takes each topic in batches). */
  const events = async (want: string[], atLeast: Record<string, number> = {}) =>
    eventually(
      async () => {
        const seen = (await monitored(admin, { correlationId })).map((e) => e.eventType);
        const enough = Object.entries(atLeast).every(([t, n]) => seen.filter((e) => e === t).length >= n);
        return want.every((t) => seen.includes(t)) && enough ? seen : undefined;
      },
      30_000,
      `${want.join(', ')} in the monitor`,
    );
  return { correlationId, call, events };
};

/** Refused at another service, once its revocation list has caught up. */
const refusedByUser = (token: string) =>
  eventually(
    async () => {
      const res = await api('GET', '/api/v1/users/me', { token });
      return res.status === 401 && res.body.code === 'SESSION_REVOKED';
    },
    20_000,
    'the user service refusing a revoked session',
  );

describe('the sign-in journey', () => {
  it('signup → login → refresh → profile → address → 2FA on → login needs otp → logout', async () => {
    const { call, events } = story();
    const email = uniqueEmail('journey');

    const signup = await call('POST', '/api/v1/users', {
      body: { email, password: PASSWORD, name: '김철수', phone: '010-1234-5678', role: 'buyer' },
    });
    expect(signup.status).toBe(201);
    const userId = signup.body.id;

    const first = await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(first.status).toBe(200);
    expect(decodeJwt(first.body.accessToken)).toMatchObject({ sub: userId, role: 'buyer' });

    const refreshed = await call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const token = refreshed.body.accessToken;
    // The spent token now ends the whole session.
    const replay = await call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    await refusedByUser(token);

    const session = await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    const t = session.body.accessToken;
    expect((await call('GET', '/api/v1/users/me', { token: t })).body).toMatchObject({
      id: userId,
      email,
      grade: 'BRONZE',
    });
    const patched = await call('PATCH', '/api/v1/users/me', {
      token: t,
      body: { name: '김영희', marketingConsent: true },
    });
    expect(patched.body).toMatchObject({ name: '김영희', marketingConsent: true });

    const address = await call('POST', '/api/v1/users/me/addresses', {
      token: t,
      body: {
        label: '집',
        recipient: '김영희',
        phone: '010-1234-5678',
        address: '서울시 강남구 테헤란로 1',
        zipCode: '06234',
      },
    });
    expect(address.status).toBe(201);
    expect(address.body.isDefault).toBe(true);

    const setup = await call('POST', '/api/v1/auth/2fa/setup', { token: t });
    expect(setup.body.otpauthUrl).toContain(encodeURIComponent(email));
    const enableCode = await generate({ secret: setup.body.secret });
    const enabled = await call('POST', '/api/v1/auth/2fa/enable', { token: t, body: { otp: enableCode } });
    expect(enabled.status).toBe(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);

    const needsOtp = await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect([needsOtp.status, needsOtp.body.code]).toEqual([401, 'OTP_REQUIRED']);
    const wrongOtp = await call('POST', '/api/v1/auth/login', {
      body: { email, password: PASSWORD, otp: '000000' },
    });
    expect(wrongOtp.body.code).toBe('OTP_INVALID');
    const replayedOtp = await call('POST', '/api/v1/auth/login', {
      body: { email, password: PASSWORD, otp: enableCode },
    });
    expect(replayedOtp.body.code).toBe('OTP_INVALID');
    const withOtp = await call('POST', '/api/v1/auth/login', {
      body: {
        email,
        password: PASSWORD,
        otp: await generate({ secret: setup.body.secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
      },
    });
    expect(withOtp.status).toBe(200);
    const last = withOtp.body.accessToken;

    const sessions = await call('GET', '/api/v1/auth/sessions', { token: last });
    expect(sessions.body.items.length).toBeGreaterThanOrEqual(2);
    expect(sessions.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    expect((await call('POST', '/api/v1/auth/logout', { token: last })).status).toBe(204);
    expect((await call('GET', '/api/v1/auth/sessions', { token: last })).body.code).toBe('SESSION_REVOKED');
    await refusedByUser(last);
    // The other session is still good.
    expect((await call('GET', '/api/v1/users/me', { token: t })).status).toBe(200);

    const seen = await events(
      [
        'user.created',
        'auth.user.login',
        'auth.token.refreshed',
        'user.updated',
        'user.address.created',
        'auth.user.logout',
      ],
      { 'auth.user.login': 3 },
    );
    expect(seen.filter((e) => e === 'auth.user.login').length).toBeGreaterThanOrEqual(3);
  });
});

describe('wrong passwords', () => {
  it('are checked once each, and many in a row leave sign-in working for everyone', async () => {
    const refusals = () =>
      daprCounter('user', 'dapr_http_client_completed_count', {
        path: '/internal/credentials/verify',
        status: '401',
      });
    const before = await refusals();
    for (let i = 0; i < 12; i++) {
      const res = await api('POST', '/api/v1/auth/login', {
        body: { email: uniqueEmail('typo'), password: 'not it' },
      });
      expect([res.status, res.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    }
    // One verification per attempt: Dapr does not retry an answered refusal (nor open a breaker on it).
    expect((await refusals()) - before).toBe(12);
    const kim = await account('buyer', 'after-typos');
    expect(kim.token).toBeTruthy();
  });
});

describe('password reset by mail', () => {
  it('mails a single-use link; confirming it sets the password and ends every session', async () => {
    const { call, events } = story();
    const kim = await account('buyer', 'reset');
    const unknown = await call('POST', '/api/v1/auth/password-reset', {
      body: { email: uniqueEmail('nobody') },
    });
    const known = await call('POST', '/api/v1/auth/password-reset', { body: { email: kim.email } });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);

    const mail = await waitForMail(kim.email, '비밀번호 재설정 안내');
    const token = /reset-password\?token=([\w-]+)/.exec(mail.body)?.[1];
    expect(token).toBeTruthy();

    const done = await call('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, newPassword: 'a brand new horse' },
    });
    expect(done.status).toBe(204);
    const reused = await call('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, newPassword: 'yet another horse' },
    });
    expect(reused.body.code).toBe('RESET_TOKEN_USED');

    await refusedByUser(kim.token);
    expect(
      (await api('POST', '/api/v1/auth/login', { body: { email: kim.email, password: PASSWORD } })).status,
    ).toBe(401);
    expect(await login(kim.email, 'a brand new horse')).toBeTruthy();
    await waitForMail(kim.email, '비밀번호가 변경되었습니다');

    await events(['auth.password.reset', 'auth.user.logout']);
    // The monitor never keeps the token.
    const resets = (await monitored(admin, { type: 'auth.password.reset' })) as unknown as {
      envelope: { data: { resetToken?: string } };
    }[];
    expect(JSON.stringify(resets)).not.toContain(token!);
  });
});

describe('social login (OpenID Connect against the local provider)', () => {
  it('signs a new person in with the Kakao preset, then again as the same account', async () => {
    const email = uniqueEmail('kakao');
    const first = await socialLogin('kakao', email);
    expect(first.status).toBe(200);
    const claims = decodeJwt(first.body.accessToken);
    const me = await api('GET', '/api/v1/users/me', { token: first.body.accessToken });
    expect(me.body).toMatchObject({ id: claims.sub, email, role: 'buyer' });
    const again = await socialLogin('kakao', email);
    expect(decodeJwt(again.body.accessToken).sub).toBe(claims.sub);
    const logins = await eventually(
      async () => {
        const items = (await monitored(admin, { type: 'auth.user.login' })) as unknown as {
          userId: string;
          envelope: { data: { method: string; provider: string } };
        }[];
        const mine = items.filter((i) => i.userId === claims.sub);
        return mine.length >= 2 ? mine : undefined;
      },
      30_000,
      'the two social logins in the monitor',
    );
    expect(logins[0]!.envelope.data).toMatchObject({ method: 'oidc', provider: 'kakao' });
  });

  it('links a verified Google email to the existing account and refuses a denied sign-in', async () => {
    const kim = await account('buyer', 'google');
    const res = await socialLogin('google', kim.email);
    expect(decodeJwt(res.body.accessToken).sub).toBe(kim.id);
    const denied = await socialLogin('google', `deny-${randomUUID().slice(0, 6)}@example.kr`);
    expect([denied.status, denied.body.code]).toEqual([401, 'OIDC_DENIED']);
  });
});

describe('account deletion (회원 탈퇴)', () => {
  it('scrubs the account, ends all its sessions through user.deleted, and frees the email', async () => {
    const { call, events } = story();
    const kim = await account('buyer', 'leaving');
    const other = await login(kim.email, PASSWORD);
    expect(
      (await call('DELETE', '/api/v1/users/me', { token: kim.token, body: { currentPassword: PASSWORD } }))
        .status,
    ).toBe(204);
    expect((await call('GET', '/api/v1/users/me', { token: other })).status).toBeGreaterThanOrEqual(401);
    await eventually(
      async () =>
        (await api('GET', '/api/v1/auth/sessions', { token: other })).body.code === 'SESSION_REVOKED',
      20_000,
      'auth ending the sessions of the deleted account',
    );
    expect(
      (await api('POST', '/api/v1/auth/login', { body: { email: kim.email, password: PASSWORD } })).status,
    ).toBe(401);
    const again = await api('POST', '/api/v1/users', {
      body: { email: kim.email, password: PASSWORD, name: '다시 가입' },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(kim.id);
    await events(['user.deleted']);
  });
});

describe('admin decisions', () => {
  it('approves a seller application, which the store then shows', async () => {
    const { call, events } = story();
    const seller = await account('seller', 'store');
    const applied = await call('POST', '/api/v1/sellers', {
      token: seller.token,
      body: {
        storeName: '무신사 스탠다드',
        businessNumber: '124-81-00998'.replace('00998', randomBusinessTail()),
        representative: '조만호',
        mailOrderNumber: '2024-서울성동-01234',
      },
    });
    expect(applied.status).toBe(201);
    expect(applied.body.status).toBe('PENDING');
    expect((await call('GET', `/api/v1/sellers/${seller.id}/store`)).status).toBe(404);
    const pending = await api('GET', '/api/v1/admin/sellers?status=PENDING&limit=100', { token: admin });
    expect(pending.body.items.map((s: { sellerId: string }) => s.sellerId)).toContain(seller.id);

    const approved = await call('POST', `/api/v1/admin/sellers/${seller.id}/approve`, { token: admin });
    expect(approved.body.status).toBe('VERIFIED');
    expect((await call('GET', '/api/v1/sellers/me', { token: seller.token })).body.status).toBe('VERIFIED');
    expect((await call('GET', `/api/v1/sellers/${seller.id}/store`)).body.storeName).toBe('무신사 스탠다드');
    await events(['seller.created', 'seller.verified', 'admin.seller.approved']);
    await waitForMail(seller.email, '입점이 승인되었습니다');
  });

  it('suspends an account: no sign-in, its sessions end everywhere, its store stops; restoring lets it back', async () => {
    const { call, events } = story();
    const seller = await account('seller', 'suspend');
    await call('POST', '/api/v1/sellers', {
      token: seller.token,
      body: {
        storeName: '정지될 가게',
        businessNumber: `220-81-${randomBusinessTail('22081')}`,
        representative: '홍길동',
        mailOrderNumber: '2024-1',
      },
    });
    const res = await call('POST', `/api/v1/admin/users/${seller.id}/suspend`, {
      token: admin,
      body: { reason: '부정 거래' },
    });
    expect(res.body).toMatchObject({ status: 'SUSPENDED', suspendedReason: '부정 거래' });

    const refused = await api('POST', '/api/v1/auth/login', {
      body: { email: seller.email, password: PASSWORD },
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'ACCOUNT_SUSPENDED']);
    await refusedByUser(seller.token);
    await eventually(
      async () =>
        (
          await api('GET', `/api/v1/admin/sellers?status=SUSPENDED&limit=100`, { token: admin })
        ).body.items.some((s: { sellerId: string }) => s.sellerId === seller.id),
      20_000,
      'the store suspended',
    );
    await events(['admin.user.suspended', 'user.updated', 'auth.user.logout', 'seller.suspended']);
    await waitForMail(seller.email, '계정 이용이 정지되었습니다');

    const list = await api(
      'GET',
      `/api/v1/admin/users?status=SUSPENDED&q=${encodeURIComponent(seller.email)}`,
      { token: admin },
    );
    expect(list.body.items.map((u: { userId: string }) => u.userId)).toEqual([seller.id]);
    expect(
      (await call('POST', `/api/v1/admin/users/${seller.id}/restore`, { token: admin })).body.status,
    ).toBe('ACTIVE');
    expect(await login(seller.email, PASSWORD)).toBeTruthy();
    // What the suspension closed reopens as it was: the application is PENDING again.
    await eventually(
      async () =>
        (
          await api('GET', `/api/v1/admin/sellers?status=PENDING&limit=100`, { token: admin })
        ).body.items.some((s: { sellerId: string }) => s.sellerId === seller.id),
      20_000,
      'the store back to PENDING',
    );
  });
});

/** The last five digits of a valid 사업자등록번호 whose first five are `head`. */
function randomBusinessTail(head = '12481'): string {
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  for (;;) {
    const mid = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
    const d = [...`${head}${mid}`].map(Number);
    const sum = w.reduce((s, x, i) => s + x * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
    return `${mid}${(10 - (sum % 10)) % 10}`;
  }
}
