import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  tokenFor,
  withoutSidecar,
} from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';
import type { OrderContext } from '../src/domain/context.ts';
import { service } from '../src/service.ts';
import { FakeCatalog } from './fakes.ts';

export type OrderService = TestService<Database, any, OrderContext> & { catalog: FakeCatalog };
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

/** A sidecar double that answers as product, inventory and coupon would (release included). */
export function fakeDapr(catalog: FakeCatalog) {
  const dapr = withoutSidecar(catalog.doubles(), {}, 'order');
  const invoke = dapr.invoke.bind(dapr);
  dapr.invoke = (async (appId: string, path: string, o: { body?: unknown } = {}) => {
    const release = /^\/internal\/reservations\/([^/]+)\/release$/.exec(path);
    if (appId === 'inventory' && release) {
      dapr.calls.push({ appId, method: 'POST', path, body: o.body });
      return catalog.release(decodeURIComponent(release[1]!));
    }
    return invoke(appId as never, path as never, o);
  }) as typeof dapr.invoke;
  return dapr;
}

export async function startOrder(
  env: Record<string, string> = {},
  catalog = new FakeCatalog(),
): Promise<OrderService> {
  const svc = await startTestService(service, { dapr: fakeDapr(catalog), env });
  return Object.assign(svc, { catalog });
}

/** The order service of one test file (its catalog a fresh fake): started before its tests, closed after them. */
export function orderForFile(env: Record<string, string> = {}): OrderService {
  return serviceForFile(() => startOrder(env), 'the order service');
}

export const address = {
  recipient: '김철수',
  phone: '010-1234-5678',
  address: '서울시 강남구 테헤란로 1',
  zipCode: '06236',
};

export interface Buyer {
  userId: string;
  token: string;
}
export async function buyer(): Promise<Buyer> {
  const userId = randomUUID();
  return { userId, token: await tokenFor(userId, 'buyer') };
}

/** Two sellers' products: a 129,000원 shoe (seller A) and a 19,000원 tee (seller B). */
export function twoSellers(svc: OrderService) {
  const sellerA = randomUUID();
  const sellerB = randomUUID();
  const shoe = svc.catalog.product({
    sellerId: sellerA,
    name: '나이키 에어 운동화',
    unitPrice: 129_000,
    stock: 5,
  });
  const tee = svc.catalog.product({ sellerId: sellerB, name: '무지 티셔츠', unitPrice: 19_000, stock: 5 });
  return { sellerA, sellerB, shoe, tee };
}

export function place(
  svc: OrderService,
  who: Buyer,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return svc.call('POST', '/api/v1/orders', {
    token: who.token,
    body: { shippingAddress: address, paymentMethod: 'card', ...body },
    headers,
  });
}

export const line = (p: { productId: string; sku: string }, quantity = 1) => ({
  productId: p.productId,
  sku: p.sku,
  quantity,
});

export function deliver(svc: OrderService, topic: string, data: unknown) {
  const source = topic.startsWith('payment') ? 'payment' : 'shipping';
  const event = buildEvent(source, 'test', topic as never, data as never);
  return svc.deliver(event);
}

export const getOrder = async (svc: OrderService, id: string, token: string) =>
  (await svc.call('GET', `/api/v1/orders/${id}`, { token })).body;

export const eventsFor = async (svc: OrderService, topic: string, orderId: string) =>
  (await svc.outbox(topic)).filter((e) => e.data.orderId === orderId);

const now = () => new Date().toISOString();
export const paid = (orderId: string, amount: number) => ({
  paymentId: randomUUID(),
  orderId,
  amount,
  method: 'card',
  pgTransactionId: 'TX1',
  paidAt: now(),
});
export const shipment = (orderId: string, sellerId: string, shipmentId = randomUUID()) => ({
  requested: { shipmentId, orderId, sellerId, userId: randomUUID(), items: [], requestedAt: now() },
  dispatched: {
    shipmentId,
    orderId,
    carrier: 'CJ',
    trackingNumber: '123456789012',
    estimatedDelivery: now(),
    dispatchedAt: now(),
    sellerId,
  },
  inTransit: { shipmentId, orderId, carrier: 'CJ', trackingNumber: '123456789012', at: now() },
  delivered: { shipmentId, orderId, deliveredAt: now(), recipient: '김철수', sellerId },
});
export const refunded = (orderId: string, amount: number, refundRequestId: string | null = null) => ({
  refundId: randomUUID(),
  paymentId: randomUUID(),
  orderId,
  amount,
  reason: '환불',
  refundedAt: now(),
  refundRequestId,
});

/** Drives an order of two sellers to DELIVERED through the events payment and shipping would send. */
export async function deliveredOrder(svc: OrderService) {
  const who = await buyer();
  const s = twoSellers(svc);
  const res = await place(svc, who, { items: [line(s.shoe), line(s.tee, 2)] });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const order = res.body;
  await deliver(svc, 'payment.completed', paid(order.id, order.payableAmount));
  for (const seller of [s.sellerA, s.sellerB]) {
    const sh = shipment(order.id, seller);
    await deliver(svc, 'shipping.requested', sh.requested);
    await deliver(svc, 'shipping.dispatched', sh.dispatched);
    await deliver(svc, 'shipping.delivered', sh.delivered);
  }
  return { who, order, ...s };
}

/** shipping.return.received: the return parcel of a refund request is back with its seller. */
export const returnReceived = (orderId: string, sellerId: string, refundRequestId: string) => ({
  returnShipmentId: randomUUID(),
  orderId,
  sellerId,
  refundRequestId,
  receivedAt: now(),
});

/** The seller inspects a received return (검수). */
export const inspect = async (
  svc: OrderService,
  orderId: string,
  requestId: string,
  sellerId: string,
  body: Record<string, unknown>,
  role: 'seller' | 'admin' = 'seller',
) =>
  svc.call('POST', `/api/v1/orders/${orderId}/refund-requests/${requestId}/inspection`, {
    token: await tokenFor(sellerId, role),
    body,
  });

/**
 * A return all the way: requested by the buyer, received by the seller, accepted on inspection,
 * refunded by payment (what the inspection said). Returns the request's order.refund.requested data.
 */
export async function returnAndRefund(
  svc: OrderService,
  who: Buyer,
  orderId: string,
  sellerId: string,
  body: Record<string, unknown>,
) {
  const res = await svc.call('POST', `/api/v1/orders/${orderId}/refund-requests`, { token: who.token, body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const requested = (await eventsFor(svc, 'order.refund.requested', orderId)).at(-1)!.data;
  await deliver(
    svc,
    'shipping.return.received',
    returnReceived(orderId, sellerId, requested.refundRequestId),
  );
  const ok = await inspect(svc, orderId, requested.refundRequestId, sellerId, { result: 'ACCEPTED' });
  if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  const inspected = (await eventsFor(svc, 'order.return.inspected', orderId)).at(-1)!.data;
  if (inspected.refundAmount > 0)
    await deliver(
      svc,
      'payment.refunded',
      refunded(orderId, inspected.refundAmount, requested.refundRequestId),
    );
  return { requested, inspected };
}

/** Holds every placement of `sku` at its quote until the returned function is called. */
export function holdQuotes(svc: OrderService, sku: string): () => void {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const invoke = svc.dapr.invoke.bind(svc.dapr);
  svc.dapr.invoke = (async (appId: string, path: string, o: { body?: unknown } = {}) => {
    const items = (o.body as { items?: { sku: string }[] } | undefined)?.items;
    if (path === '/internal/products/quote' && items?.some((i) => i.sku === sku)) await gate;
    return invoke(appId as never, path as never, o as never);
  }) as typeof svc.dapr.invoke;
  return () => {
    svc.dapr.invoke = invoke;
    open();
  };
}
