/**
 * Stats (통계) in-process against real PostgreSQL:
 *   MP_STACK=5 bash -c 'source scripts/lib/infra.sh && node services/stats/bench/counters.bench.ts [orders] [seconds]'
 * Measures counting order and payment events (16 at once, one seller's counters contended), then
 * serves GET /api/v1/stats/sales for a year by day, week and month to autocannon over HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { buildEvent } from '@mp/platform';
import { ensureTestDatabase, measure, pool, startTestService, tokenFor } from '@mp/platform/testing';
import autocannon from 'autocannon';
import { service } from '../src/service.ts';

const orders = Number(process.argv[2] ?? 5000);
const seconds = Number(process.argv[3] ?? 8);
ensureTestDatabase();
const svc = await startTestService(service, { env: { DB_POOL_MAX: '10' } });
/** An order or payment event, delivered as the sidecar would. */
const post = (topic: string, data: unknown) =>
  svc.deliver(buildEvent('order', 'bench', topic as never, data as never));
const sellers = Array.from({ length: 20 }, () => randomUUID());
const jobs = Array.from({ length: orders }, (_, k) => {
  const day = new Date(Date.UTC(2023, 0, 1) + (k % 365) * 86_400_000).toISOString();
  const sellerId = k % 4 === 0 ? sellers[0]! : sellers[k % 20]!; // a quarter of all orders on one seller
  const orderId = randomUUID();
  const order = {
    orderId,
    userId: randomUUID(),
    sellerId,
    sellerIds: [sellerId],
    items: [
      {
        itemId: randomUUID(),
        productId: randomUUID(),
        sku: 'S',
        sellerId,
        quantity: 1,
        price: 10_000,
        options: {},
      },
    ],
    totalAmount: 10_000,
    discountAmount: 0,
    shippingFee: 0,
    payableAmount: 10_000,
    shippingAddress: { recipient: '홍길동', phone: '010-1234-5678', address: '서울', zipCode: '04524' },
    paymentMethod: 'card',
    paymentDueAt: day,
    createdAt: day,
  };
  return async () => {
    await post('order.created', order);
    await post('payment.completed', {
      paymentId: randomUUID(),
      orderId,
      amount: 10_000,
      method: 'card',
      pgTransactionId: 'pg',
      paidAt: day,
    });
  };
});
console.log(`stats: ${orders} orders over 2023, 20 sellers`);
await measure('count: order.created + payment.completed, 16 at once', async () => ({
  n: orders * 2,
  unit: 'events',
  latencies: (await pool(jobs, 16)).map((l) => l / 2),
}));
const server = serve({ fetch: svc.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const port = (server.address() as AddressInfo).port;
const token = await tokenFor('bench-admin', 'admin');
for (const g of ['day', 'week', 'month']) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/stats/sales?granularity=${g}&from=2023-01-01&to=2023-12-31&sellerId=${sellers[0]}`,
    headers: { authorization: `Bearer ${token}` },
    connections: 8,
    duration: seconds,
  });
  console.log(
    `${`GET /api/v1/stats/sales ${g} × 2023 (autocannon, 8 connections)`.padEnd(58)} ${result.requests.average.toFixed(0)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${result.errors + result.non2xx}`,
  );
}
server.close();
await svc.close();
