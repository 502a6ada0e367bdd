import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { buildEvent, newId } from '@mp/platform';
import { serviceForFile, startTestService, TEST_APP_TOKEN, type TestService } from '@mp/platform/testing';
import type { SearchContext } from '../src/context.ts';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, unknown, SearchContext>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

export const start = (env: Record<string, string> = {}) =>
  startTestService(service, { env: { SEARCH_TERMS_FLUSH_MS: '600000', ...env } }) as Promise<Svc>;

export async function deliver<T extends EventType>(svc: Svc, type: T, data: EventData<T>, eventId?: string) {
  const event = buildEvent('product', 'test', type, data);
  if (eventId) event.eventId = eventId;
  const res = await svc.call('POST', `/events/${type}`, { body: { data: event }, headers: internal });
  if (res.body.status !== 'SUCCESS') throw new Error(`${type} answered ${JSON.stringify(res.body)}`);
}

/** A unique word, so that each test finds only its own products. */
export const tag = () =>
  `테${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 6)}`;

export function state(o: Partial<EventData<'product.approved'>> & { name: string }) {
  const categoryId = o.categoryId ?? newId();
  return {
    productId: newId(),
    sellerId: newId(),
    description: '',
    brand: null,
    categoryId,
    categoryPath: [categoryId],
    price: 10_000,
    status: 'APPROVED' as const,
    imageFileIds: [],
    version: 2,
    updatedAt: new Date().toISOString(),
    createdAt: new Date().toISOString(),
    thumbnailUrl: null,
    stock: 10,
    stockStatus: 'IN_STOCK' as const,
    popularity: 0,
    ...o,
  };
}

/** A product on sale in the index (product.approved). */
export async function onSale(svc: Svc, o: Partial<EventData<'product.approved'>> & { name: string }) {
  const s = state(o);
  await deliver(svc, 'product.approved', { ...s, approvedBy: 'admin', approvedAt: s.updatedAt });
  return s;
}

export async function search(svc: Svc, qs: Record<string, string | number>) {
  const res = await svc.call(
    'GET',
    `/api/v1/search?${new URLSearchParams(Object.entries(qs).map(([k, v]) => [k, String(v)]))}`,
  );
  if (res.status !== 200) throw new Error(`search: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export const names = async (svc: Svc, qs: Record<string, string | number>) =>
  (await search(svc, qs)).body.items.map((h: { name: string }) => h.name) as string[];

/** The search service of one test file: started before its tests, closed after them. */
export function searchForFile(env: Record<string, string> = {}): Svc {
  return serviceForFile(() => start(env), 'the search service');
}
