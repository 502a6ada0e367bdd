/**
 * Order events as order and payment publish them, for the tests of services that keep a read
 * model of orders from them (settlement, stats): one set, so both services' tests feed the kit's
 * `orderReadModel` alike.
 */
import { randomUUID } from 'node:crypto';
import type { EventData } from '@mp/contracts';

type Order = EventData<'order.created'>;

/** One item of an order: its seller, 판매가 and quantity (1 unless given). */
export interface Sale {
  sellerId: string;
  price: number;
  quantity?: number;
  categoryId?: string;
}

/** An order.created of the given sales (one item each, with fresh ids); `o` overrides any field. */
export function orderCreated(sales: Sale[], o: Partial<Order> = {}): Order {
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

/** payment.completed of the whole order. */
export const paymentCompleted = (o: Order, paidAt = '2024-05-01T01:05:00Z') =>
  ({
    paymentId: randomUUID(),
    orderId: o.orderId,
    amount: o.payableAmount,
    method: 'card',
    pgTransactionId: `pg-${randomUUID()}`,
    paidAt,
  }) satisfies EventData<'payment.completed'>;

/** order.completed (구매확정) of every item of the order. */
export const orderCompleted = (o: Order, completedAt = '2024-05-10T03:00:00Z') =>
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

/** order.refund.completed of the given items (by index in the order), at their price unless `amount`. */
export const refundCompleted = (
  o: Order,
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
