/** A settlement service to deliver order events to (the kit's testing helpers build the events). */
import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { ApiError, buildEvent } from '@mp/platform';
import {
  orderCompleted,
  paymentCompleted,
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
} from '@mp/platform/testing';
import { settlementSandbox } from '../sandbox/index.ts';
import type { Config } from '../src/config.ts';
import type { SettlementContext } from '../src/context.ts';
import type { Database } from '../src/db/schema.ts';
import type { SellerBusiness } from '../src/domain/seller-business.ts';
import { settlementService } from '../src/service.ts';

export type Svc = TestService<Database, Config, SettlementContext>;

/** What the seller service (`GET /internal/sellers/{id}`) answers for a seller id; unknown ids get 404. */
export const sellerBusinesses = new Map<string, SellerBusiness>();
/** Sellers for whom the seller service cannot be reached (503). */
export const unreachableSellers = new Set<string>();
const sellerService = new Proxy({} as Record<string, () => unknown>, {
  get: (_, key) => {
    const prefix = 'seller GET /internal/sellers/';
    if (typeof key !== 'string' || !key.startsWith(prefix)) return undefined;
    return () => {
      if (unreachableSellers.has(decodeURIComponent(key.slice(prefix.length))))
        throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'seller could not be reached');
      const b = sellerBusinesses.get(decodeURIComponent(key.slice(prefix.length)));
      if (!b) throw new ApiError(404, 'SELLER_NOT_FOUND', 'No such seller');
      const { storeName, ...business } = b;
      const sellerId = decodeURIComponent(key.slice(prefix.length));
      return { sellerId, userId: sellerId, status: 'VERIFIED', grade: 'NORMAL', storeName, business };
    };
  },
});

/** The bank sandbox's base as the service reaches it in tests: through the app itself (no port). */
export const BANK = 'http://settlement.test/sandbox/bank';

/** The settlement service, its bank sandbox reached through the app itself. */
export async function start(env: Record<string, string> = {}): Promise<Svc> {
  let svc: Svc | undefined;
  const def = settlementService({
    fetch: (url, init) => Promise.resolve(svc!.app.request(url, init)),
    local: settlementSandbox,
  });
  svc = await startTestService(def, {
    invoke: sellerService,
    env: {
      LOCAL_DEV: 'true',
      BANK_API_BASE_URL: BANK,
      PAYOUT_RECHECK_AFTER_MS: '0',
      S3_ENDPOINT: process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
      S3_BUCKET: `t-settlement-${randomUUID().slice(0, 8)}`,
      S3_CREATE_BUCKET: 'true',
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
      ...env,
    },
  });
  return svc;
}

export function deliver<T extends EventType>(svc: Svc, topic: T, data: EventData<T>, eventId?: string) {
  const event = buildEvent('order', 'test', topic, data);
  if (eventId) event.eventId = eventId;
  return svc.deliver(event);
}

export const internal = (svc: Svc, method: string, path: string, body?: unknown) =>
  svc.call(method, path, {
    ...(body === undefined ? {} : { body }),
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });

/** Delivers an order's creation, payment and confirmation (구매확정). */
export async function sell(svc: Svc, o: EventData<'order.created'>, completedAt?: string) {
  await deliver(svc, 'order.created', o);
  await deliver(svc, 'payment.completed', paymentCompleted(o));
  await deliver(svc, 'order.completed', orderCompleted(o, completedAt));
}

export const seller = () => randomUUID();

/** The settlement service of one test file: started before its tests, closed after them. */
export function settlementForFile(env: Record<string, string> = {}): Svc {
  return serviceForFile(() => start(env), 'the settlement service');
}
