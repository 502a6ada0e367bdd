import { randomUUID } from 'node:crypto';
import { ApiError, buildEvent, newId } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  tokenFor,
  withoutSidecar,
} from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, unknown>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

/** Review images as the file service answers them (`GET /internal/files/{id}`). */
export const files = new Map<
  string,
  {
    ownerId: string;
    status: string;
    contentType: string;
    purpose: string;
    size: number;
    filename: string;
    width: number | null;
    height: number | null;
    createdAt: string;
    url: string;
    variants: Record<string, string>;
  }
>();

export function image(ownerId: string, o: Partial<{ status: string; purpose: string }> = {}) {
  const fileId = newId();
  files.set(fileId, {
    ownerId,
    status: 'READY',
    contentType: 'image/jpeg',
    purpose: 'review-image',
    size: 1000,
    filename: 'photo.jpg',
    width: null,
    height: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    url: `http://cdn.test/${fileId}.jpg`,
    variants: { thumbnail: `http://cdn.test/${fileId}-t.webp` },
    ...o,
  });
  return fileId;
}

export async function start(): Promise<Svc> {
  const dapr = withoutSidecar();
  dapr.invoke = async <T>(appId: string, path: string) => {
    const id = decodeURIComponent(path.split('/').at(-1)!);
    const f = appId === 'file' ? files.get(id) : undefined;
    if (!f) throw new ApiError(404, 'FILE_NOT_FOUND', 'No such file');
    return { fileId: id, ...f } as T;
  };
  return (await startTestService(service, { dapr, env: { DB_POOL_MAX: '10' } })) as Svc;
}

/** A buyer whose order of the product was delivered: answers their token and the order. */
export async function deliveredBuyer(svc: Svc, productId: string, items = 1) {
  const userId = newId();
  const orderId = `order-${randomUUID()}`;
  const itemIds = Array.from({ length: items }, (_, i) => `item-${i + 1}`);
  const event = buildEvent('shipping', 'test', 'shipping.delivered', {
    shipmentId: newId(),
    orderId,
    deliveredAt: new Date().toISOString(),
    recipient: '김철수',
    userId,
    items: itemIds.map((itemId, i) => ({ itemId, productId, sku: `SKU-${i}`, quantity: 1 })),
  });
  const res = await svc.call('POST', '/events/shipping.delivered', {
    body: { data: event },
    headers: internal,
  });
  if (res.body.status !== 'SUCCESS') throw new Error(`delivery answered ${JSON.stringify(res.body)}`);
  return { userId, orderId, itemIds, token: await tokenFor(userId, 'buyer') };
}

export const review = (svc: Svc, token: string, body: Record<string, unknown>) =>
  svc.call('POST', '/api/v1/reviews', { token, body });

export const text = (n = 0) => `배송이 빠르고 품질이 좋아요 ${n}`;

/** The review service of one test file: started before its tests, closed after them. */
export function reviewForFile(): Svc {
  return serviceForFile(() => start(), 'the review service');
}
