/**
 * The order the OpenSearch orders-index tests index (fixed ids, two sellers), shared by the unit test
 * that runs the index's script as JavaScript and by painless/check.ts, which runs it in OpenSearch's
 * own Painless engine.
 */
import type { EventData } from '@mp/contracts';

export function twoSellerOrder(createdAt: string): EventData<'order.created'> {
  return {
    orderId: 'o-1',
    userId: 'u-1',
    sellerId: 's-a',
    items: [
      {
        itemId: 'i-1',
        productId: 'p-1',
        sku: 'A',
        sellerId: 's-a',
        quantity: 2,
        price: 10_000,
        options: {},
        name: '러닝화 블랙',
      },
      {
        itemId: 'i-2',
        productId: 'p-2',
        sku: 'B',
        sellerId: 's-b',
        quantity: 1,
        price: 5_000,
        options: {},
        name: '양말 세트',
      },
    ],
    totalAmount: 25_000,
    shippingAddress: { recipient: '김철수', phone: '010-1234-5678', address: '서울시', zipCode: '06236' },
    paymentMethod: 'card',
    sellerIds: ['s-a', 's-b'],
    discountAmount: 0,
    shippingFee: 0,
    payableAmount: 25_000,
    paymentDueAt: createdAt,
    createdAt,
  };
}
