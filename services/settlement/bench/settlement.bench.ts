/**
 * Settlement (정산) in-process against real PostgreSQL and the local S3 emulator:
 *   MP_STACK=5 bash -c 'source scripts/lib/infra.sh && node services/settlement/bench/settlement.bench.ts [sellers] [ordersPerSeller]'
 * Measures collecting order events (order.created, payment.completed, order.completed through the
 * kit's idempotent handlers), one run settling every seller, eight runs of one period at once, and
 * issuing the statements (PDF + S3 upload). Prints figures; asserts only that nothing was settled twice.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { ensureTestDatabase, measure, pool, TEST_APP_TOKEN } from '@mp/platform/testing';
import { start } from '../test/fixtures.ts';

const sellers = Number(process.argv[2] ?? 200);
const perSeller = Number(process.argv[3] ?? 25);
ensureTestDatabase();
// The service as its tests start it: the bank sandbox and the seller service's answers in-process.
const svc = await start({ S3_BUCKET: `bench-settlement-${randomUUID().slice(0, 8)}`, DB_POOL_MAX: '10' });
/** An order or payment event, delivered as the sidecar would. */
const post = (topic: string, data: unknown) =>
  svc.deliver(buildEvent('order', 'bench', topic as never, data as never));
const sellerIds = Array.from({ length: sellers }, () => randomUUID());
const events: (() => Promise<unknown>)[] = [];
for (const sellerId of sellerIds)
  for (let k = 0; k < perSeller; k++) {
    const orderId = randomUUID();
    const items = Array.from({ length: 1 + (k % 3) }, (_, i) => ({
      itemId: randomUUID(),
      productId: randomUUID(),
      sku: `SKU-${i}`,
      sellerId,
      quantity: 1 + (i % 2),
      price: 9_900 + 1_000 * i,
      options: {},
    }));
    const total = items.reduce((a, i) => a + i.price * i.quantity, 0);
    const order = {
      orderId,
      userId: randomUUID(),
      sellerId,
      sellerIds: [sellerId],
      items,
      totalAmount: total,
      discountAmount: 1_000,
      couponIssuer: 'SELLER',
      couponSellerId: sellerId,
      shippingFee: 3_000,
      payableAmount: total + 2_000,
      shippingAddress: { recipient: '홍길동', phone: '010-1234-5678', address: '서울', zipCode: '04524' },
      paymentMethod: 'card',
      paymentDueAt: '2024-05-01T00:10:00Z',
      createdAt: '2024-05-01T00:00:00Z',
    };
    events.push(async () => {
      await post('order.created', order);
      await post('payment.completed', {
        paymentId: randomUUID(),
        orderId,
        amount: order.payableAmount,
        method: 'card',
        pgTransactionId: 'pg',
        paidAt: '2024-05-01T00:01:00Z',
      });
      await post('order.completed', {
        orderId,
        userId: order.userId,
        completedAt: '2024-05-09T00:00:00Z',
        payableAmount: order.payableAmount,
        automatic: true,
        items: [],
      });
    });
  }

console.log(`settlement: ${sellers} sellers × ${perSeller} orders (1–3 items each)`);
await measure('collect: order.created + payment.completed + order.completed', async () => ({
  n: events.length * 3,
  unit: 'events',
  latencies: (await pool(events, 8)).map((l) => l / 3),
}));
const run = (from: string, to: string) =>
  svc.app.request('/internal/settlements/run', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dapr-api-token': TEST_APP_TOKEN },
    body: JSON.stringify({ from, to }),
  });
await measure('run: one run settling every seller (May)', async () => {
  const res = await run('2024-05-01', '2024-05-31');
  return { n: ((await res.json()) as { created: number }).created, unit: 'sellers' };
});
await measure('run again: the same period, eight at once (nothing to do)', async () => ({
  n: 8,
  unit: 'runs',
  latencies: await pool(
    Array.from({ length: 8 }, () => () => run('2024-05-01', '2024-05-31')),
    8,
  ),
}));
const { issuer } = svc.ctx;
await measure('statements: PDF rendered and stored in S3', async () => ({
  n: await issuer.issuePending(),
  unit: 'statements',
}));
const db = svc.deps.db;
const lines = await db
  .selectFrom('lines')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .where('settlement_id', 'is', null)
  .executeTakeFirstOrThrow();
const settled = await db
  .selectFrom('settlements')
  .select((eb) => eb.fn.sum<number>('line_count').as('n'))
  .executeTakeFirstOrThrow();
console.log(
  `check: ${Number(settled.n)} lines settled once, ${Number(lines.n)} left unsettled (expect ${sellers * perSeller} and 0)`,
);
if (Number(settled.n) !== sellers * perSeller || Number(lines.n) !== 0) process.exitCode = 1;
await svc.close();
