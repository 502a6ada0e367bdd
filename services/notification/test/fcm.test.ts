import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FcmError, fcmClient, fcmErrorOf } from '../src/push/fcm.ts';
import { type ServiceAccount, sandboxServiceAccount } from '../src/push/service-account.ts';
import { FCM, notificationForFile, pushesTo } from './helpers.ts';

let sa: ServiceAccount;
const svc = notificationForFile();
beforeAll(async () => {
  sa = svc.deps.config.FCM_SERVICE_ACCOUNT_JSON;
});

/** A client of the sandbox through the app, counting what it asks of the token endpoint. */
function client(o: { account?: ServiceAccount; now?: () => number } = {}) {
  const calls: string[] = [];
  const c = fcmClient({
    serviceAccount: o.account ?? sa,
    baseUrl: FCM,
    timeoutMs: 2000,
    ...(o.now ? { now: o.now } : {}),
    fetch: async (url, init) => {
      calls.push(new URL(url).pathname);
      return svc.app.request(url, init);
    },
  });
  return Object.assign(c, { calls });
}
const push = { title: '결제가 완료되었습니다', body: '주문번호 1', data: { template: 'payment-completed' } };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err) => err as FcmError,
  );

describe('the FCM HTTP v1 client', () => {
  it('gets an access token by the JWT bearer grant, caches it, and renews it shortly before it expires', async () => {
    let now = Date.now();
    const c = client({ now: () => now });
    const token = `ok-${randomUUID()}`;
    const name = await c.send(token, push);
    expect(name).toMatch(new RegExp(`^projects/${sa.project_id}/messages/0:`));
    await Promise.all([c.send(token, push), c.send(token, push)]);
    expect(c.stats.tokenRequests).toBe(1);
    now += 3599_000 - 30_000; // 30 s left: inside the renewal margin
    await c.send(token, push);
    expect(c.stats.tokenRequests).toBe(2);
    expect(c.calls.filter((p) => p.endsWith('/token'))).toHaveLength(2);
    const got = await pushesTo(svc, token);
    expect(got).toHaveLength(4);
    expect(got[0]!.message).toEqual({
      token,
      notification: { title: push.title, body: push.body },
      data: push.data,
    });
  });

  it('renews the token when FCM no longer takes it (401), then sends', async () => {
    const c = client();
    await c.accessToken();
    // The first send carries a token the sandbox never issued (as after FCM revoked ours).
    let forged = false;
    const revoked = fcmClient({
      serviceAccount: sa,
      baseUrl: FCM,
      timeoutMs: 2000,
      fetch: async (url, init) => {
        const headers = new Headers(init.headers);
        if (url.endsWith('messages:send') && !forged) {
          forged = true;
          headers.set('authorization', 'Bearer ya29.revoked');
        }
        return svc.app.request(url, { ...init, headers });
      },
    });
    expect(await revoked.send(`ok-${randomUUID()}`, push)).toContain('/messages/');
    expect(revoked.stats.tokenRequests).toBe(2);
    const res = await svc.app.request(`${FCM}/v1/projects/${sa.project_id}/messages:send`, {
      method: 'POST',
      headers: { authorization: 'Bearer ya29.forged', 'content-type': 'application/json' },
      body: JSON.stringify({ message: { token: 'ok-x', notification: { title: 't', body: 'b' } } }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });

  it("is refused a token when the JWT is not signed by the service account's key", async () => {
    const impostor = { ...sandboxServiceAccount(sa.token_uri), client_email: sa.client_email };
    const err = await failure(client({ account: impostor }).send(`ok-${randomUUID()}`, push));
    expect(err).toBeInstanceOf(FcmError);
    expect([err.kind, err.code]).toEqual(['failed', 'TOKEN_REFUSED']);
    expect(err.message).toContain('invalid_grant');
  });

  it("maps FCM's errors: dead tokens, retryable answers (with Retry-After), and the rest", async () => {
    const c = client();
    const cases: [string, FcmError['kind'], string][] = [
      ['unregistered', 'unregistered', 'UNREGISTERED'],
      ['invalid', 'unregistered', 'INVALID_ARGUMENT'],
      ['unavailable', 'retry', 'UNAVAILABLE'],
      ['internal', 'retry', 'INTERNAL'],
      ['quota', 'retry', 'QUOTA_EXCEEDED'],
      ['sender', 'failed', 'SENDER_ID_MISMATCH'],
    ];
    for (const [prefix, kind, code] of cases) {
      const err = await failure(c.send(`${prefix}-${randomUUID()}`, push));
      expect([err.kind, err.code], prefix).toEqual([kind, code]);
      if (prefix === 'quota') expect(err.retryAfterMs).toBe(1000);
    }
    const flaky = `flaky-${randomUUID()}`;
    expect((await failure(c.send(flaky, push))).kind).toBe('retry');
    expect(await c.send(flaky, push)).toContain('/messages/');
    expect((await pushesTo(svc, flaky)).map((m) => m.status)).toEqual([200, 503]);
  });

  it('treats INVALID_ARGUMENT about the payload as ours to fix, not a dead token', () => {
    const payload = fcmErrorOf(
      400,
      {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: "Invalid value at 'message.data[0].value'",
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.BadRequest',
              fieldViolations: [{ field: 'message.data[0].value' }],
            },
          ],
        },
      },
      null,
    );
    expect(payload.kind).toBe('failed');
    expect(fcmErrorOf(503, {}, 'Wed, 21 Oct 2099 07:28:00 GMT').retryAfterMs).toBe(600_000);
  });
});
