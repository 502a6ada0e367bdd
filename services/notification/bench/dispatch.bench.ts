/**
 * Notification (알림) in-process against real PostgreSQL, the FCM sandbox and SNS on moto:
 *   MP_STACK=1 bash -c 'source scripts/lib/infra.sh && node services/notification/bench/dispatch.bench.ts [events] [overrides]'
 * Handles `payment.completed` for buyers with a device and a mobile number (email, history, push
 * and SMS queued, 16 at once), then lets the dispatcher send the pushes and texts. With
 * `overrides`, operators' wording (알림 템플릿) is active on all four channels first, so each
 * message reads the active versions and renders them with mustache.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { ensureTestDatabase, measure, pool } from '@mp/platform/testing';
import { dispatch } from '../src/domain/dispatch.ts';
import { publishVersion } from '../src/domain/template-overrides.ts';
import { mobile, startNotification } from '../test/helpers.ts';

const events = Number(process.argv[2] ?? 500);
const withOverrides = process.argv[3] === 'overrides';
ensureTestDatabase();
// The service as its tests start it (the FCM sandbox through the app itself, SNS on moto, user's
// `GET /internal/users/{id}` answered from svc.accounts), with a pool the size of a deployed replica's.
const svc = await startNotification({ DB_POOL_MAX: '10' });
const users = Array.from({ length: events }, () => randomUUID());
await svc.deps.db
  .insertInto('devices')
  .values(users.map((u) => ({ token: `bench-${u}`, user_id: u, platform: 'ANDROID' as const })))
  .execute();
for (const u of users)
  svc.accounts.set(u, { email: `${u}@bench.kr`, phone: mobile().written, status: 'ACTIVE' });
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
        const res = await svc.deliver(event);
        if (res.body.status !== 'SUCCESS') throw new Error('not handled');
      }),
      16,
    ),
  }),
);
await measure('dispatch push (FCM sandbox) + SMS (SNS on moto)', async () => ({
  n: await dispatch(svc.dispatcher),
  unit: 'sends',
}));
const sent = await svc.deps.db
  .selectFrom('deliveries')
  .select((e) => ['status', e.fn.countAll<string>().as('n')])
  .groupBy('status')
  .execute();
console.log('deliveries by status:', Object.fromEntries(sent.map((r) => [r.status, Number(r.n)])));
await svc.close();
