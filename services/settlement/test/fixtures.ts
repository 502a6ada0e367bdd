/** Order events as order, payment and shipping publish them, and a settlement service to deliver them to. */
import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { ApiError, buildEvent } from '@mp/platform';
import { startTestService, TEST_APP_TOKEN, type TestService } from '@mp/platform/testing';
import { settlementSandbox } from '../sandbox/index.ts';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import type { SellerBusiness } from '../src/domain/seller-business.ts';
import { settlementService } from '../src/service.ts';

export type Svc = TestService<Database, Config>;

/** What the seller service (contract 1) answers for a seller id; unknown ids get 404. */
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

export interface Sale {
  sellerId: string;
  price: number;
  quantity?: number;
  categoryId?: string;
}

/** An order.created of the given sales (one item each), with its item ids. */
export function orderOf(
  sales: Sale[],
  o: Partial<EventData<'order.created'>> & { createdAt?: string } = {},
): EventData<'order.created'> {
  const items = sales.map((s) => ({
    itemId: randomUUID(),
    productId: randomUUID(),
    sku: `SKU-${randomUUID().slice(0, 6)}`,
    sellerId: s.sellerId,
    quantity: s.quantity ?? 1,
    price: s.price,
    options: {},
    name: '테스트 상품',
    ...(s.categoryId ? { categoryId: s.categoryId } : {}),
  }));
  const total = items.reduce((a, i) => a + i.price * i.quantity, 0);
  const discount = o.discountAmount ?? 0;
  const fee = o.shippingFee ?? 0;
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    sellerId: items[0]!.sellerId,
    sellerIds: [...new Set(items.map((i) => i.sellerId))],
    items,
    totalAmount: total,
    discountAmount: discount,
    shippingFee: fee,
    payableAmount: total - discount + fee,
    shippingAddress: {
      recipient: '홍길동',
      phone: '010-1234-5678',
      address: '서울시 중구 세종대로 110',
      zipCode: '04524',
    },
    paymentMethod: 'card',
    paymentDueAt: new Date(Date.now() + 600_000).toISOString(),
    createdAt: '2024-05-01T01:00:00Z',
    ...o,
  };
}

export const paid = (o: EventData<'order.created'>, paidAt = '2024-05-01T01:05:00Z') =>
  ({
    paymentId: randomUUID(),
    orderId: o.orderId,
    amount: o.payableAmount,
    method: 'card',
    pgTransactionId: `pg-${randomUUID()}`,
    paidAt,
  }) satisfies EventData<'payment.completed'>;

export const completed = (o: EventData<'order.created'>, completedAt = '2024-05-10T03:00:00Z') =>
  ({
    orderId: o.orderId,
    completedAt,
    userId: o.userId,
    payableAmount: o.payableAmount,
    automatic: false,
    items: o.items.map((i) => ({
      itemId: i.itemId,
      productId: i.productId,
      sku: i.sku,
      sellerId: i.sellerId,
      quantity: i.quantity,
      price: i.price,
    })),
  }) satisfies EventData<'order.completed'>;

export const refunded = (
  o: EventData<'order.created'>,
  items: { index: number; quantity: number; amount?: number }[],
  completedAt = '2024-05-12T03:00:00Z',
) => {
  const lines = items.map(({ index, quantity, amount }) => {
    const i = o.items[index]!;
    return { itemId: i.itemId, sellerId: i.sellerId, quantity, amount: amount ?? i.price * quantity };
  });
  return {
    orderId: o.orderId,
    userId: o.userId,
    refundRequestId: randomUUID(),
    refundId: randomUUID(),
    amount: lines.reduce((a, l) => a + l.amount, 0),
    items: lines,
    completedAt,
  } satisfies EventData<'order.refund.completed'>;
};

/** Delivers an order's creation, payment and confirmation (구매확정). */
export async function sell(svc: Svc, o: EventData<'order.created'>, completedAt?: string) {
  await deliver(svc, 'order.created', o);
  await deliver(svc, 'payment.completed', paid(o));
  await deliver(svc, 'order.completed', completed(o, completedAt));
}

export const seller = () => randomUUID();
