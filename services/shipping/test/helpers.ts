import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  tokenFor,
} from '@mp/platform/testing';
import sandbox from '../sandbox/index.ts';
import type { Database } from '../src/db/schema.ts';
import { type ShippingServiceContext, shippingService } from '../src/service.ts';

export type ShippingService = TestService<Database, any, ShippingServiceContext>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

export async function startShipping(env: Record<string, string> = {}): Promise<ShippingService> {
  let svc: ShippingService | undefined;
  const def = shippingService({
    fetch: (url, init) => Promise.resolve(svc!.app.request(url, init)),
    local: sandbox,
  });
  svc = await startTestService(def, {
    env: { LOCAL_DEV: 'true', CARRIER_BASE_URL: 'http://shipping.test/sandbox/carrier', ...env },
  });
  return svc;
}

/** The shipping service of one test file: started before its tests, closed after them. */
export function shippingForFile(env: Record<string, string> = {}): ShippingService {
  return serviceForFile(() => startShipping(env), 'the shipping service');
}

export function deliver(svc: ShippingService, topic: string, data: unknown, correlationId?: string) {
  const source = topic.startsWith('payment') ? 'payment' : 'order';
  const event = buildEvent(
    source,
    'test',
    topic as never,
    data as never,
    correlationId ? { correlationId } : {},
  );
  return svc.call('POST', `/events/${topic}`, { body: { data: event }, headers: internal });
}

export interface TwoSellerOrder {
  orderId: string;
  userId: string;
  sellers: [string, string];
  items: {
    itemId: string;
    productId: string;
    sku: string;
    sellerId: string;
    quantity: number;
    price: number;
    options: object;
  }[];
  buyer: string;
  seller: [string, string];
}

export async function twoSellerOrder(): Promise<TwoSellerOrder> {
  const sellers: [string, string] = [randomUUID(), randomUUID()];
  const userId = randomUUID();
  const items = [
    {
      itemId: randomUUID(),
      productId: randomUUID(),
      sku: 'NK-AIR-270',
      sellerId: sellers[0],
      quantity: 1,
      price: 129_000,
      options: {},
    },
    {
      itemId: randomUUID(),
      productId: randomUUID(),
      sku: 'NK-SOCK-3P',
      sellerId: sellers[0],
      quantity: 2,
      price: 9_900,
      options: {},
    },
    {
      itemId: randomUUID(),
      productId: randomUUID(),
      sku: 'MJ-TEE-M',
      sellerId: sellers[1],
      quantity: 1,
      price: 39_000,
      options: {},
    },
  ];
  return {
    orderId: randomUUID(),
    userId,
    sellers,
    items,
    buyer: await tokenFor(userId, 'buyer'),
    seller: [await tokenFor(sellers[0], 'seller'), await tokenFor(sellers[1], 'seller')],
  };
}

export const orderCreated = (o: TwoSellerOrder) => ({
  orderId: o.orderId,
  userId: o.userId,
  sellerId: o.sellers[0],
  items: o.items,
  totalAmount: 187_800,
  shippingAddress: {
    recipient: '김철수',
    phone: '010-1234-5678',
    address: '서울시 강남구 테헤란로 1',
    zipCode: '06236',
  },
  paymentMethod: 'card',
  sellerIds: o.sellers,
  discountAmount: 0,
  shippingFee: 0,
  payableAmount: 187_800,
  paymentDueAt: new Date(Date.now() + 600_000).toISOString(),
  createdAt: new Date().toISOString(),
});

export const paymentCompleted = (o: TwoSellerOrder) => ({
  paymentId: randomUUID(),
  orderId: o.orderId,
  amount: 187_800,
  method: 'card',
  pgTransactionId: 'TX',
  paidAt: new Date().toISOString(),
  userId: o.userId,
});

export const orderCancelled = (o: TwoSellerOrder) => ({
  orderId: o.orderId,
  userId: o.userId,
  reason: '단순변심',
  cancelledAt: new Date().toISOString(),
  previousStatus: 'PAID',
});

/** An order paid: two shipments requested, one per seller; returns them by seller. */
export async function paidOrder(svc: ShippingService) {
  const o = await twoSellerOrder();
  await deliver(svc, 'order.created', orderCreated(o));
  await deliver(svc, 'payment.completed', paymentCompleted(o));
  const rows = await svc.deps.db
    .selectFrom('shipments')
    .selectAll()
    .where('order_id', '=', o.orderId)
    .execute();
  const bySeller = (i: 0 | 1) => rows.find((r) => r.seller_id === o.sellers[i])!;
  return { o, shipments: [bySeller(0), bySeller(1)] as const };
}

export const eventsFor = async (svc: ShippingService, topic: string, orderId: string) =>
  (await svc.outbox(topic)).filter((e) => e.data.orderId === orderId);

let invoice = Date.now() % 1_000_000_000;
export const newTrackingNumber = () => String(600_000_000_000 + invoice++);

export const advance = (svc: ShippingService, carrier: string, trackingNumber: string, to: string) =>
  svc.call('POST', `/sandbox/carrier/parcels/${carrier}/${trackingNumber}/advance`, { body: { to } });
