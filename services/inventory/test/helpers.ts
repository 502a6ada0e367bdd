import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { buildEvent, newId } from '@mp/platform';
import { serviceForFile, startTestService, TEST_APP_TOKEN, type TestService } from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, unknown>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

export const start = (env: Record<string, string> = {}) =>
  startTestService(service, { env: { RESERVATION_SWEEP_MS: '60000', ...env } }) as Promise<Svc>;

/** Delivers an event as the sidecar would; returns the kit's answer (SUCCESS / RETRY / DROP). */
export async function deliver<T extends EventType>(svc: Svc, type: T, data: EventData<T>, eventId?: string) {
  const event = buildEvent('product', 'test', type, data);
  if (eventId) event.eventId = eventId;
  const res = await svc.deliver(event);
  return res.body.status as string;
}

export const uniqueSku = (tag = 'SKU') => `${tag}-${randomUUID().slice(0, 8)}`;

/** A product with the given SKUs (stock, threshold), announced as product.created. */
export async function createProduct(
  svc: Svc,
  sellerId: string,
  skus: { sku: string; stock: number; lowStockThreshold?: number }[],
) {
  const productId = newId();
  const now = new Date().toISOString();
  const status = await deliver(svc, 'product.created', {
    productId,
    sellerId,
    name: '나이키 에어 운동화',
    description: '',
    brand: '나이키',
    categoryId: newId(),
    price: 89_000,
    status: 'PENDING_REVIEW',
    imageFileIds: [],
    version: 1,
    updatedAt: now,
    stock: skus.reduce((n, s) => n + s.stock, 0),
    skus: skus.map((s) => ({ ...s, optionValues: {}, priceDelta: 0 })),
  });
  if (status !== 'SUCCESS') throw new Error(`product.created answered ${status}`);
  return productId;
}

export const reserve = (
  svc: Svc,
  orderId: string,
  items: { sku: string; quantity: number }[],
  ttlSeconds?: number,
) =>
  svc.call('POST', '/internal/reservations', {
    body: { orderId, items, ...(ttlSeconds ? { ttlSeconds } : {}) },
    headers: internal,
  });

export async function stockOf(svc: Svc, sku: string) {
  return svc.deps.db.selectFrom('stock_items').selectAll().where('sku', '=', sku).executeTakeFirstOrThrow();
}

/** The inventory service of one test file: started before its tests, closed after them. */
export function inventoryForFile(env: Record<string, string> = {}): Svc {
  return serviceForFile(() => start(env), 'the inventory service');
}
