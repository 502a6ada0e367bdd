import { randomInt, randomUUID } from 'node:crypto';
import { ApiError, buildEvent } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  tokenFor,
} from '@mp/platform/testing';
import sandboxes from '../sandbox/index.ts';
import type { NotificationContext } from '../src/context.ts';
import type { Database } from '../src/db/schema.ts';
import type { Dispatcher } from '../src/domain/dispatch.ts';
import { sandboxServiceAccount } from '../src/push/service-account.ts';
import { notificationService } from '../src/service.ts';

export const FCM = 'http://notification.test/sandbox/fcm';
/** The stack's AWS emulator (moto), started by scripts/test.sh. */
export const AWS = process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566';

export interface Account {
  email: string;
  phone: string | null;
  status: string;
}
export type NotificationService = TestService<Database, any, NotificationContext> & {
  dispatcher: Dispatcher;
  accounts: Map<string, Account>;
  userDown: { value: boolean };
  smtpDown: { value: boolean };
  /** Addresses whose next email fails (once each). */
  failMailTo: Set<string>;
  /** How long each email takes to go out (`delayMs`), and the most sent at once so far (`mostAtOnce`). */
  mailing: { delayMs: number; inFlight: number; mostAtOnce: number };
  /** user's routes notification called, in order (`batch` or `get`). */
  userCalls: string[];
};

/**
 * The notification service with its FCM sandbox (reached through the app itself, no port), SNS on
 * the AWS emulator, user's `GET /internal/users/{id}` in memory.
 */
export async function startNotification(env: Record<string, string> = {}): Promise<NotificationService> {
  let svc: TestService<Database, any, NotificationContext> | undefined;
  const accounts = new Map<string, Account>();
  const userDown = { value: false };
  const smtpDown = { value: false };
  const failMailTo = new Set<string>();
  const mailing = { delayMs: 0, inFlight: 0, mostAtOnce: 0 };
  const userCalls: string[] = [];
  const def = notificationService({
    fetch: (url, init) => Promise.resolve(svc!.app.request(url, init)),
    local: sandboxes,
  });
  svc = await startTestService(def, {
    env: {
      LOCAL_DEV: 'true',
      FCM_SANDBOX: 'true',
      FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(sandboxServiceAccount(`${FCM}/token`)),
      FCM_BASE_URL: FCM,
      FCM_TIMEOUT_MS: '2000',
      SNS_ENDPOINT: AWS,
      SNS_ACCESS_KEY_ID: 'local',
      SNS_SECRET_ACCESS_KEY: 'local',
      ...env,
    },
    invoke: new Proxy(
      {},
      {
        get: (_t, key) => {
          const reset =
            typeof key === 'string'
              ? /^auth GET \/internal\/(?:password-resets|email-verifications)\/(.+)$/.exec(key)
              : null;
          if (reset) return () => openReset(reset[1]!);
          if (key === 'user POST /internal/users/batch')
            return (body: { userIds: string[] }) => {
              userCalls.push('batch');
              if (userDown.value)
                throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'user could not be reached');
              return {
                users: body.userIds.flatMap((id) => {
                  const a = accounts.get(id);
                  return a ? [{ userId: id, name: '김철수', role: 'buyer', emailVerified: true, ...a }] : [];
                }),
              };
            };
          const m = typeof key === 'string' ? /^user GET \/internal\/users\/(.+)$/.exec(key) : null;
          if (!m) return undefined;
          return () => {
            userCalls.push('get');
            if (userDown.value) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'user could not be reached');
            const a = accounts.get(m[1]!);
            if (!a) throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
            return { userId: m[1], name: '김철수', role: 'buyer', emailVerified: true, ...a };
          };
        },
      },
    ),
    bindings: {
      email: async (call) => {
        if (smtpDown.value) throw new Error('binding email failed: connection refused');
        if (failMailTo.delete(String(call.metadata.emailTo)))
          throw new Error('binding email failed: connection reset');
        if (!mailing.delayMs) return;
        mailing.mostAtOnce = Math.max(mailing.mostAtOnce, ++mailing.inFlight);
        await new Promise((r) => setTimeout(r, mailing.delayMs));
        mailing.inFlight--;
      },
    },
  });
  return Object.assign(svc, {
    dispatcher: svc.ctx.dispatcher,
    accounts,
    userDown,
    smtpDown,
    failMailTo,
    mailing,
    userCalls,
  });
}

/** A random Korean mobile number as people write it, and as SNS gets it. */
export function mobile() {
  const n = `${randomInt(1000, 9999)}-${randomInt(1000, 9999)}`;
  return { written: `010-${n}`, e164: `+8210${n.replace('-', '')}` };
}

export function account(svc: NotificationService, phone: string | null = mobile().written) {
  const id = randomUUID();
  svc.accounts.set(id, { email: `n-${id.slice(0, 8)}@example.kr`, phone, status: 'ACTIVE' });
  return { id, email: svc.accounts.get(id)!.email, token: () => tokenFor(id, 'buyer') };
}

export async function registerDevice(
  svc: NotificationService,
  who: { token: () => Promise<string> },
  prefix = 'ok',
) {
  const token = `${prefix}-${randomUUID()}`;
  const res = await svc.call('POST', '/api/v1/notifications/devices', {
    token: await who.token(),
    body: { token, platform: 'ANDROID' },
  });
  if (res.status !== 201) throw new Error(`registering a device answered ${res.status}`);
  return token;
}

/** Delivers an event to the service as Dapr would (again, with the same id, when `event` is given). */
export async function deliver(
  svc: NotificationService,
  topic: string,
  data: object,
  o: { userId?: string; event?: ReturnType<typeof buildEvent> } = {},
) {
  const event =
    o.event ??
    buildEvent(
      topic.split('.')[0] as never,
      'test',
      topic as never,
      data as never,
      o.userId ? { userId: o.userId } : {},
    );
  const res = await svc.call('POST', `/events/${topic}`, {
    body: { id: event.eventId, data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });
  return { status: res.body.status as string, event };
}

/** Delivers events of one topic to the service as one batch, as Dapr's bulk subscribe does; answers each entry's status. */
export async function deliverBatch(
  svc: NotificationService,
  topic: string,
  events: ReturnType<typeof buildEvent>[],
): Promise<string[]> {
  const res = await svc.deliverBatch(topic, events);
  return (res.body.statuses as { status: string }[]).map((s) => s.status);
}

export const paymentCompleted = (userId: string) => ({
  paymentId: randomUUID(),
  orderId: randomUUID(),
  userId,
  amount: 45_000,
  method: 'CARD',
  pgTransactionId: `tx-${randomUUID()}`,
  paidAt: new Date().toISOString(),
});

/** What the FCM sandbox received for a device token, newest first. */
export async function pushesTo(svc: NotificationService, token: string) {
  const res = await svc.app.request(`${FCM}/messages?token=${encodeURIComponent(token)}`);
  return ((await res.json()) as { items: { status: number; errorCode: string | null; message: any }[] })
    .items;
}

/** The SMS the AWS emulator received for a number (moto's /moto-api/data.json, its SNS `SMS` models). */
export async function textsTo(e164: string) {
  const res = await fetch(`${AWS}/moto-api/data.json`);
  const data = (await res.json()) as { sns?: { SMS?: { phone_number: string; message: string }[] } };
  return (data.sns?.SMS ?? []).filter((s) => s.phone_number === e164).map((s) => s.message);
}

export const deliveriesOf = (svc: NotificationService, eventId: string) =>
  svc.deps.db
    .selectFrom('deliveries')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('channel')
    .execute();

/** Makes every waiting send due now (instead of waiting out its back-off). */
export const dueNow = (svc: NotificationService) =>
  svc.deps.db
    .updateTable('deliveries')
    .set({ next_attempt_at: new Date() })
    .where('status', '=', 'PENDING')
    .execute();

/**
 * auth's open resets and email verifications as its internal routes answer: the token of `r-…`,
 * none (404) for `gone-…`.
 */
export function openReset(resetId: string) {
  if (resetId.startsWith('gone-')) throw new ApiError(404, 'RESET_NOT_OPEN', 'This reset is not open');
  return { token: `token-of-${resetId}`, expiresAt: new Date(Date.now() + 60_000).toISOString() };
}

/** The notification service of one test file: started before its tests, closed after them. */
export function notificationForFile(env: Record<string, string> = {}): NotificationService {
  return serviceForFile(() => startNotification(env), 'the notification service');
}
