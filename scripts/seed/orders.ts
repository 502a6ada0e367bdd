/**
 * Orders in every status, each by its own buyer (a buyer with any order is skipped on a rerun):
 * paid through the PG sandbox's payment window, shipped and delivered through the carrier sandbox,
 * some cancelled, refunded or confirmed; then reviews on every delivered item.
 */
import { randomUUID } from 'node:crypto';
import { address, all, call, eventually, must, pool } from './api.ts';
import type { Listed } from './catalog.ts';
import type { Party } from './people.ts';

export const outcomes = [
  'COMPLETED',
  'DELIVERED',
  'SHIPPING',
  'PREPARING',
  'PENDING_PAYMENT',
  'CANCELLED',
  'REFUNDED',
  'PARTIALLY_REFUNDED',
  'PAYMENT_FAILED',
  'COMPLETED',
  'DELIVERED',
  'SHIPPING',
] as const;
type Outcome = (typeof outcomes)[number];

interface Order {
  id: string;
  payableAmount: number;
  status: string;
  items: { id: string; sku: string; quantity: number }[];
  refundRequests?: { id: string; status: string }[];
}

const orderOf = (who: Party, id: string) => must<Order>('GET', `/api/v1/orders/${id}`, { token: who.token });
const reaches = (who: Party, id: string, status: string) =>
  eventually(async () => (await orderOf(who, id)).status === status, `order ${id} to be ${status}`);

/** The sandbox payment window gives a paymentKey; the buyer confirms it, as a browser would. */
async function pay(who: Party, order: Order, simulate = 'approve') {
  await eventually(
    async () => (await must('GET', `/api/v1/payments?orderId=${order.id}`, { token: who.token })).items?.[0],
    `the payment of ${order.id}`,
  );
  const window = await must(
    'POST',
    '/sandbox/pg/window/payments',
    { body: { orderId: order.id, amount: order.payableAmount, orderName: '시드 주문', simulate } },
    [201],
  );
  return call('POST', '/api/v1/payments/confirm', {
    token: who.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { orderId: order.id, paymentKey: window.paymentKey, amount: order.payableAmount },
  });
}

let invoice = 0;
const carriers = ['CJ', 'POST', 'HANJIN', 'LOTTE', 'LOGEN'];

/** The seller dispatches; the carrier sandbox moves the parcel to `to`. */
async function ship(order: Order, seller: Party, to: 'in_transit' | 'delivered') {
  const shipment = await eventually(
    async () =>
      (await must('GET', `/api/v1/shipments?orderId=${order.id}`, { token: seller.token })).items?.[0],
    `the shipment of ${order.id}`,
  );
  const carrier = carriers[invoice % carriers.length]!;
  const trackingNumber = String(600_000_000_000 + (Date.now() % 1_000_000_000) * 10 + (invoice++ % 10));
  await must('POST', `/api/v1/shipments/${shipment.id}/dispatch`, {
    token: seller.token,
    body: { carrier, trackingNumber },
  });
  await must('POST', `/sandbox/carrier/parcels/${carrier}/${trackingNumber}/advance`, { body: { to } });
}

/** 반품: the pickup the carrier booked comes back to the seller, who accepts it on inspection. */
async function returnAndInspect(order: Order, seller: Party, requestId: string, who: Party) {
  const pickup = await eventually(async () => {
    const r = (
      await must('GET', `/api/v1/shipments?orderId=${order.id}&kind=RETURN`, { token: seller.token })
    ).items?.[0];
    return r?.trackingNumber ? r : undefined;
  }, `the return pickup of ${order.id}`);
  await must('POST', `/sandbox/carrier/parcels/${pickup.carrier}/${pickup.trackingNumber}/advance`, {
    body: { to: 'delivered' },
  });
  await eventually(
    async () =>
      (await orderOf(who, order.id)).refundRequests?.find((r) => r.id === requestId)?.status === 'RECEIVED',
    `the return of ${order.id} to reach its seller`,
  );
  await must('POST', `/api/v1/orders/${order.id}/refund-requests/${requestId}/inspection`, {
    token: seller.token,
    body: { result: 'ACCEPTED' },
  });
}

async function play(who: Party, seller: Party, products: Listed[], outcome: Outcome, couponId?: string) {
  const items = products.map((p, i) => ({
    productId: p.productId,
    sku: p.skus[0]!,
    quantity: i === 0 ? 2 : 1,
  }));
  const order = await must<Order>(
    'POST',
    '/api/v1/orders',
    {
      token: who.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { items, shippingAddress: address, paymentMethod: 'card', ...(couponId ? { couponId } : {}) },
    },
    [201],
  );
  if (outcome === 'PENDING_PAYMENT') return;
  if (outcome === 'CANCELLED') {
    await must('POST', `/api/v1/orders/${order.id}/cancel`, {
      token: who.token,
      body: { reason: '단순변심' },
    });
    return;
  }
  if (outcome === 'PAYMENT_FAILED') {
    await pay(who, order, 'decline');
    await reaches(who, order.id, 'PAYMENT_FAILED');
    return;
  }
  const paid = await pay(who, order);
  if (paid.status !== 200)
    throw new Error(`payment of ${order.id}: ${paid.status} ${JSON.stringify(paid.body)}`);
  await reaches(who, order.id, 'PREPARING');
  if (outcome === 'PREPARING') return;
  if (outcome === 'REFUNDED') {
    await must('POST', `/api/v1/orders/${order.id}/cancel`, {
      token: who.token,
      body: { reason: '단순변심' },
    });
    await reaches(who, order.id, 'REFUNDED');
    return;
  }
  if (outcome === 'SHIPPING') {
    await ship(order, seller, 'in_transit');
    await reaches(who, order.id, 'SHIPPING');
    return;
  }
  await ship(order, seller, 'delivered');
  await reaches(who, order.id, 'DELIVERED');
  if (outcome === 'COMPLETED') await must('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token });
  if (outcome === 'PARTIALLY_REFUNDED') {
    const item = order.items[0]!;
    const asked = await must<{ refundRequests: { id: string }[] }>(
      'POST',
      `/api/v1/orders/${order.id}/refund-requests`,
      {
        token: who.token,
        body: {
          reason: '하나는 사이즈가 맞지 않아요',
          returnReason: 'CHANGE_OF_MIND',
          items: [{ itemId: item.id, quantity: 1 }],
        },
      },
      [201],
    );
    await returnAndInspect(order, seller, asked.refundRequests[0]!.id, who);
    await reaches(who, order.id, 'PARTIALLY_REFUNDED');
  }
}

/** Buyer k plays outcome k mod the list, with two products of seller k mod the sellers. */
export async function orders(buyers: Party[], sellers: Party[], listed: Listed[], welcomeCouponId: string) {
  const bySeller = sellers.map((_, s) =>
    listed.filter((p) => p.seller === s).sort((a, b) => a.name.localeCompare(b.name)),
  );
  // The stock of the SKUs ordered must be known to inventory first (product.created reaches it shortly).
  const plans = buyers.map((who, k) => {
    const s = k % sellers.length;
    const mine = bySeller[s]!;
    return {
      who,
      seller: sellers[s]!,
      products: [mine[k % mine.length]!, mine[(k + 7) % mine.length]!],
      outcome: outcomes[k % outcomes.length]!,
    };
  });
  let placed = 0;
  let couponUsed = 0;
  await pool(plans, 4, async (plan, k) => {
    const existing = await must('GET', '/api/v1/orders?limit=1', { token: plan.who.token });
    if (existing.items.length) return;
    for (const p of plan.products)
      await eventually(
        async () =>
          (await call('GET', `/api/v1/inventory/${p.skus[0]}`, { token: plan.seller.token })).status === 200,
        `the stock of ${p.skus[0]}`,
      );
    let couponId: string | undefined;
    if (k === 0) {
      // One buyer claims the welcome coupon and uses it on an order that ends confirmed.
      const claimed = await call('POST', `/api/v1/coupons/${welcomeCouponId}/issue`, {
        token: plan.who.token,
      });
      if (claimed.status !== 201 && claimed.status !== 409)
        throw new Error(`claim of the welcome coupon: ${claimed.status} ${JSON.stringify(claimed.body)}`);
      couponId = welcomeCouponId;
      couponUsed++;
    }
    await play(plan.who, plan.seller, plan.products, plan.outcome, couponId);
    placed++;
  });
  return { placed, couponUsed };
}

const reviewTexts = [
  '배송이 빠르고 포장도 꼼꼼했어요. 다음에도 구매할게요.',
  '사진과 똑같고 품질이 좋아요. 가격 대비 만족합니다.',
  '생각보다 괜찮네요. 가족들도 좋아합니다.',
  '무난하게 쓰기 좋아요. 다만 배송이 조금 늦었어요.',
];

/** A review of every delivered item not reviewed yet. */
export async function reviews(buyers: Party[]) {
  let written = 0;
  await pool(buyers, 4, async (who, k) => {
    const { items } = await must<{ items: { orderId: string; itemId: string; productId: string }[] }>(
      'GET',
      '/api/v1/reviews/eligible',
      { token: who.token },
    );
    for (const [i, item] of items.entries()) {
      await must(
        'POST',
        '/api/v1/reviews',
        {
          token: who.token,
          headers: { 'idempotency-key': randomUUID() },
          body: { ...item, rating: 5 - ((k + i) % 3), content: reviewTexts[(k + i) % reviewTexts.length] },
        },
        [201],
      );
      written++;
    }
  });
  return { written };
}

/** Counts for the closing line: the buyers' orders by status. */
export async function orderCounts(buyers: Party[]) {
  const counts: Record<string, number> = {};
  for (const who of buyers)
    for (const o of await all<{ status: string }>('/api/v1/orders', who.token))
      counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
