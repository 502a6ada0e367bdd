/**
 * Inventory (재고) reservations in-process against real PostgreSQL:
 *   MP_STACK=2 bash -c 'source scripts/lib/infra.sh && node services/inventory/bench/reservations.bench.ts [orders] [concurrency]'
 * Measures stock reservation (POST /internal/reservations, all or nothing) when every order wants the same
 * SKU (one contended row: a flash sale) and when orders spread over 1,000 SKUs, then the releases.
 * The script checks that stock never went below zero and that no unit was sold twice.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent, newId } from '@mp/platform';
import { ensureTestDatabase, measure, pool, startTestService, TEST_APP_TOKEN } from '@mp/platform/testing';
import { service } from '../src/service.ts';

const orders = Number(process.argv[2] ?? 4000);
const concurrency = Number(process.argv[3] ?? 16);
ensureTestDatabase();
const svc = await startTestService(service, { env: { DB_POOL_MAX: String(Math.min(concurrency, 20)) } });
const headers = { 'content-type': 'application/json', 'dapr-api-token': TEST_APP_TOKEN };
const call = (path: string, body?: unknown) =>
  svc.app.request(path, { method: 'POST', headers, ...(body ? { body: JSON.stringify(body) } : {}) });

async function product(skus: string[], stock: number) {
  const event = buildEvent('product', 'bench', 'product.created', {
    productId: newId(),
    sellerId: newId(),
    name: 'bench',
    description: '',
    brand: null,
    categoryId: newId(),
    price: 1000,
    status: 'APPROVED',
    imageFileIds: [],
    version: 1,
    updatedAt: new Date().toISOString(),
    stock: stock * skus.length,
    skus: skus.map((sku) => ({ sku, optionValues: {}, priceDelta: 0, stock })),
  });
  const res = await call('/events/product.created', { id: event.eventId, data: event });
  if ((await res.json()).status !== 'SUCCESS') throw new Error('product.created was not taken');
}

try {
  const hot = `HOT-${randomUUID().slice(0, 8)}`;
  const hotStock = Math.floor(orders / 2);
  await product([hot], hotStock);
  const spread = Array.from({ length: 1000 }, (_, i) => `S${i}-${randomUUID().slice(0, 6)}`);
  for (let i = 0; i < spread.length; i += 100) await product(spread.slice(i, i + 100), 1000);

  const statuses: Record<number, number> = {};
  const reserveJobs = (pick: (k: number) => { sku: string; quantity: number }[]) =>
    Array.from({ length: orders }, (_, k) => async () => {
      const res = await call('/internal/reservations', { orderId: `o-${k}-${randomUUID()}`, items: pick(k) });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      await res.arrayBuffer();
    });

  await measure(`one hot SKU (${hotStock} units), ${concurrency} at once`, async () => ({
    n: orders,
    unit: 'orders',
    latencies: await pool(
      reserveJobs(() => [{ sku: hot, quantity: 1 }]),
      concurrency,
    ),
  }));
  console.log(`  answers: ${JSON.stringify(statuses)} (201 reserved, 409 sold out)`);
  const hotRow = await svc.deps.db
    .selectFrom('stock_items')
    .selectAll()
    .where('sku', '=', hot)
    .executeTakeFirstOrThrow();
  if (hotRow.reserved !== hotStock || statuses[201] !== hotStock) throw new Error('oversold or undersold');

  for (const k of Object.keys(statuses)) delete statuses[Number(k)];
  await measure(`three SKUs of 1,000 per order, ${concurrency} at once`, async () => ({
    n: orders,
    unit: 'orders',
    latencies: await pool(
      reserveJobs((k) =>
        [0, 1, 2].map((j) => ({ sku: spread[(k * 7 + j * 331) % spread.length]!, quantity: 1 })),
      ),
      concurrency,
    ),
  }));
  console.log(`  answers: ${JSON.stringify(statuses)}`);

  const held = await svc.deps.db
    .selectFrom('reservations')
    .select('order_id')
    .where('status', '=', 'RESERVED')
    .execute();
  await measure(`releases, ${concurrency} at once`, async () => ({
    n: held.length,
    unit: 'releases',
    latencies: await pool(
      held.map((r) => async () => (await call(`/internal/reservations/${r.order_id}/release`)).arrayBuffer()),
      concurrency,
    ),
  }));
  const left = await svc.deps.db
    .selectFrom('stock_items')
    .select((eb) => [
      eb.fn.sum<number>('reserved').as('reserved'),
      eb.fn.min<number>('on_hand').as('minOnHand'),
    ])
    .executeTakeFirstOrThrow();
  console.log(
    `  after the releases: ${Number(left.reserved)} units reserved, lowest on hand ${left.minOnHand}`,
  );
} finally {
  await svc.close();
}
