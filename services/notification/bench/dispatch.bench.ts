/**
 * Notification (알림) in-process against real PostgreSQL, the FCM sandbox and SNS on moto:
 *   MP_STACK=1 bash -c 'source scripts/lib/infra.sh && node services/notification/bench/dispatch.bench.ts [events] [overrides]'
 * Handles `payment.completed` for buyers with a device and a mobile number (email, history, push
 * and SMS queued, 16 at once), then lets the dispatcher send the pushes and texts. With
 * `overrides`, operators' wording (알림 템플릿) is active on all four channels first, so each
 * message reads the active versions and renders them with mustache.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import {
  ensureTestDatabase,
  measure,
  pool,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
} from '@mp/platform/testing';
import sandboxes from '../sandbox/index.ts';
import type { NotificationContext } from '../src/context.ts';
import { dispatch } from '../src/domain/dispatch.ts';
import { publishVersion } from '../src/domain/template-overrides.ts';
import { sandboxServiceAccount } from '../src/push/service-account.ts';
import { notificationService } from '../src/service.ts';

const events = Number(process.argv[2] ?? 500);
const withOverrides = process.argv[3] === 'overrides';
ensureTestDatabase();
const FCM = 'http://notification.bench/sandbox/fcm';
const phones = new Map<string, string>();
let svc: TestService<any, any, NotificationContext> | undefined;
const def = notificationService({
  fetch: (url, init) => Promise.resolve(svc!.app.request(url, init)),
  local: sandboxes,
});
svc = await startTestService(def, {
  env: {
    LOCAL_DEV: 'true',
    DB_POOL_MAX: '10',
    FCM_SANDBOX: 'true',
    FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(sandboxServiceAccount(`${FCM}/token`)),
    FCM_BASE_URL: FCM,
    SNS_ENDPOINT: process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
    SNS_ACCESS_KEY_ID: 'local',
    SNS_SECRET_ACCESS_KEY: 'local',
  },
  invoke: new Proxy(
    {},
    {
      get: (_t, key) => {
        const m = typeof key === 'string' ? /^user GET \/internal\/users\/(.+)$/.exec(key) : null;
        return m
          ? () => ({
              userId: m[1],
              email: `${m[1]}@bench.kr`,
              name: '김철수',
              phone: phones.get(m[1]!) ?? null,
              role: 'buyer',
              status: 'ACTIVE',
              emailVerified: true,
            })
          : undefined;
      },
    },
  ),
});
const users = Array.from({ length: events }, () => randomUUID());
await svc.deps.db
  .insertInto('devices')
  .values(users.map((u) => ({ token: `bench-${u}`, user_id: u, platform: 'ANDROID' as const })))
  .execute();
for (const u of users) phones.set(u, `010-${randomInt(1000, 9999)}-${randomInt(1000, 9999)}`);
if (withOverrides)
  for (const [channel, parts] of [
    [
      'EMAIL',
      { subject: '[결제완료] {{amount}}', html: '<h2>결제 완료</h2><p>주문 {{orderId}}, {{amount}}</p>' },
    ],
    ['IN_APP', { title: '{{amount}} 결제 완료', body: '주문 {{orderId}}를 준비합니다.' }],
    ['PUSH', { title: '{{amount}} 결제 완료', body: '주문 {{orderId}}를 준비합니다.' }],
    ['SMS', { text: '[마켓플레이스] {{amount}} 결제 완료. 주문 {{orderId}}' }],
  ] as const)
    await publishVersion(svc.deps.db, 'payment-completed', channel, parts, 'bench');

await measure(
  `handle payment.completed (email + history + queue), 16 at once${withOverrides ? ', with template overrides' : ''}`,
  async () => ({
    n: events,
    unit: 'events',
    latencies: await pool(
      users.map((userId) => async () => {
        const event = buildEvent('payment', 'bench', 'payment.completed', {
          paymentId: randomUUID(),
          orderId: randomUUID(),
          userId,
          amount: 45_000,
          method: 'CARD',
          pgTransactionId: randomUUID(),
          paidAt: new Date().toISOString(),
        });
        const res = await svc!.app.request('/events/payment.completed', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'dapr-api-token': TEST_APP_TOKEN },
          body: JSON.stringify({ id: event.eventId, data: event }),
        });
        if ((await res.json()).status !== 'SUCCESS') throw new Error('not handled');
      }),
      16,
    ),
  }),
);
await measure('dispatch push (FCM sandbox) + SMS (SNS on moto)', async () => ({
  n: await dispatch(svc!.ctx.dispatcher),
  unit: 'sends',
}));
const sent = await svc.deps.db
  .selectFrom('deliveries')
  .select((e) => ['status', e.fn.countAll<string>().as('n')])
  .groupBy('status')
  .execute();
console.log('deliveries by status:', Object.fromEntries(sent.map((r) => [r.status, Number(r.n)])));
await svc.close();
