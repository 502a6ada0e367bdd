import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { startTestService, TEST_APP_TOKEN, type TestService } from '@mp/platform/testing';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, Config>;

export const start = () =>
  startTestService(service, {
    env: {
      S3_ENDPOINT: process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
      S3_BUCKET: `t-stats-${randomUUID().slice(0, 8)}`,
      S3_CREATE_BUCKET: 'true',
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
    },
  });

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

/** An order of one item per seller; `payable` is what the buyer pays (discount and shipping applied). */
export function order(
  sales: { sellerId: string; price: number; quantity?: number }[],
  createdAt: string,
  payable?: number,
): EventData<'order.created'> {
  const items = sales.map((s) => ({
    itemId: randomUUID(),
    productId: randomUUID(),
    sku: 'SKU-1',
    sellerId: s.sellerId,
    quantity: s.quantity ?? 1,
    price: s.price,
    options: {},
  }));
  const total = items.reduce((a, i) => a + i.price * i.quantity, 0);
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    sellerId: items[0]!.sellerId,
    sellerIds: [...new Set(items.map((i) => i.sellerId))],
    items,
    totalAmount: total,
    discountAmount: 0,
    shippingFee: 0,
    payableAmount: payable ?? total,
    shippingAddress: {
      recipient: '김철수',
      phone: '010-1111-2222',
      address: '부산시 해운대구',
      zipCode: '48094',
    },
    paymentMethod: 'card',
    paymentDueAt: createdAt,
    createdAt,
  };
}

export const payment = (o: EventData<'order.created'>, paidAt: string) => ({
  paymentId: randomUUID(),
  orderId: o.orderId,
  amount: o.payableAmount,
  method: 'card',
  pgTransactionId: randomUUID(),
  paidAt,
});

export const completion = (o: EventData<'order.created'>, completedAt: string) => ({
  orderId: o.orderId,
  completedAt,
  userId: o.userId,
  payableAmount: o.payableAmount,
  automatic: true,
  items: o.items.map((i) => ({ ...i, options: undefined })),
});

export const refund = (o: EventData<'order.created'>, completedAt: string, amount: number) => ({
  orderId: o.orderId,
  userId: o.userId,
  refundRequestId: randomUUID(),
  refundId: randomUUID(),
  amount,
  items: [{ itemId: o.items[0]!.itemId, sellerId: o.items[0]!.sellerId, quantity: 1, amount }],
  completedAt,
});
