import { describe, expect, it } from 'vitest';
import { type EventType, eventCatalog, eventTypes, publicationsOf, subscriptionsOf } from '../src/catalog.ts';
import { routeTable, serviceNames, services } from '../src/services.ts';

/** The original design's publish lists, service by service, plus the gaps the contract resolved. */
const seedPublishes: Record<string, string[]> = {
  auth: [
    'auth.user.login',
    'auth.user.logout',
    'auth.token.refreshed',
    'auth.password.reset',
    // Email verification at sign-up (docs/identity.md), beside the reset.
    'auth.email.verification',
  ],
  user: ['user.created', 'user.updated', 'user.deleted', 'user.address.created'],
  product: [
    'product.created',
    'product.updated',
    'product.deleted',
    'product.stock.changed',
    'product.approved',
    'product.rejected',
    // Each counted product view, for stats' views series and ClickEvents (docs/catalog.md).
    'product.viewed',
    // An approved product's edit held for review, and its verdict: the seller is told (docs/notification.md).
    'product.revision.submitted',
    'product.revision.approved',
    'product.revision.rejected',
  ],
  order: [
    'order.created',
    'order.item.confirmed',
    'order.cancelled',
    'order.completed',
    'order.refund.requested',
    'order.refund.completed',
    // Shipping's 반품/교환 배송 처리, the exchange half (docs/ordering.md, 교환).
    'order.exchange.requested',
    'order.exchange.completed',
    'order.exchange.cancelled',
    // A return's inspection (반품 검수) and an exchange leg the carrier could not carry (docs/ordering.md).
    'order.return.inspected',
    'order.exchange.failed',
    // A return's pickup the carrier could not make: the buyer and the seller are told (docs/ordering.md).
    'order.return.pickup_failed',
  ],
  payment: [
    'payment.requested',
    'payment.completed',
    'payment.failed',
    'payment.refunded',
    'payment.cancelled',
  ],
  shipping: [
    'shipping.requested',
    'shipping.dispatched',
    'shipping.in_transit',
    'shipping.delivered',
    'shipping.failed',
    'shipping.return.requested',
    'shipping.exchange.requested',
    'shipping.exchange.dispatched',
    'shipping.exchange.delivered',
    // The return's pickup: the parcel reached the seller, or could not be collected; a failed exchange leg.
    'shipping.return.received',
    'shipping.return.failed',
    'shipping.exchange.failed',
  ],
  seller: ['seller.created', 'seller.verified', 'seller.suspended', 'store.updated'],
  settlement: [
    'settlement.calculated',
    'settlement.completed',
    'settlement.paid',
    // A payout the bank refused (docs/backoffice.md, payouts).
    'settlement.payout.failed',
  ],
  coupon: ['coupon.created', 'coupon.issued', 'coupon.used', 'coupon.expired'],
  inventory: ['inventory.reserved', 'inventory.adjusted', 'inventory.low_stock', 'inventory.out_of_stock'],
  notification: ['notification.sent', 'notification.failed'],
  review: ['review.created', 'review.updated', 'review.deleted'],
  search: [],
  admin: ['admin.user.suspended', 'admin.seller.approved', 'admin.notice.published'],
  file: ['file.uploaded', 'file.deleted'],
  stats: ['stats.daily.calculated', 'stats.report.generated'],
};

/** The original design's event payloads: these fields must be there, under these names. */
const seedPayloads: Partial<Record<EventType, string[]>> = {
  'order.created': [
    'orderId',
    'userId',
    'sellerId',
    'items',
    'totalAmount',
    'shippingAddress',
    'paymentMethod',
    'couponId',
  ],
  'order.cancelled': ['orderId', 'userId', 'reason', 'cancelledAt'],
  'order.completed': ['orderId', 'completedAt'],
  'payment.completed': ['paymentId', 'orderId', 'amount', 'method', 'pgTransactionId', 'paidAt'],
  'payment.failed': ['paymentId', 'orderId', 'reason', 'errorCode', 'failedAt'],
  'payment.refunded': ['refundId', 'paymentId', 'orderId', 'amount', 'reason', 'refundedAt'],
  'shipping.dispatched': [
    'shipmentId',
    'orderId',
    'carrier',
    'trackingNumber',
    'estimatedDelivery',
    'dispatchedAt',
  ],
  'shipping.delivered': ['shipmentId', 'orderId', 'deliveredAt', 'recipient'],
  'product.created': ['productId', 'sellerId', 'name', 'price', 'categoryId', 'stock'],
  'product.stock.changed': ['productId', 'previousStock', 'currentStock', 'changedBy'],
  'inventory.reserved': ['productId', 'orderId', 'quantity', 'reservationId'],
  'inventory.low_stock': ['productId', 'currentStock', 'threshold'],
};

const fieldsOf = (t: EventType) => Object.keys((eventCatalog[t].data as unknown as { shape: object }).shape);

describe('the event catalog', () => {
  it('names every event of the original design, with its publisher', () => {
    for (const [service, topics] of Object.entries(seedPublishes)) {
      expect(publicationsOf(service as never).sort(), service).toEqual([...topics].sort());
    }
    expect(eventTypes).toHaveLength(Object.values(seedPublishes).flat().length);
  });

  it("keeps the original design's payload fields", () => {
    for (const [topic, fields] of Object.entries(seedPayloads)) {
      expect(fieldsOf(topic as EventType), topic).toEqual(expect.arrayContaining(fields));
    }
    const item = (eventCatalog['order.created'].data as any).shape.items.element.shape;
    expect(Object.keys(item)).toEqual(expect.arrayContaining(['productId', 'quantity', 'price', 'options']));
    const address = (eventCatalog['order.created'].data as any).shape.shippingAddress.shape;
    expect(Object.keys(address)).toEqual(['recipient', 'phone', 'address', 'zipCode']);
  });

  it('follows the naming rule (service.entity.action) and names only real services', () => {
    for (const t of eventTypes) {
      expect(t).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
      const spec = eventCatalog[t] as { publisher: string; subscribers: readonly string[] };
      expect(serviceNames).toContain(spec.publisher);
      for (const s of spec.subscribers) expect(serviceNames, `${t} → ${s}`).toContain(s);
      expect(spec.subscribers, `${t} is not consumed by its own publisher`).not.toContain(spec.publisher);
    }
  });

  it('subscribes admin to everything and the others to their lists', () => {
    expect(subscriptionsOf('admin')).toEqual(eventTypes);
    expect(subscriptionsOf('payment')).toEqual(
      expect.arrayContaining(['order.created', 'order.cancelled', 'order.refund.requested']),
    );
    expect(subscriptionsOf('inventory')).toEqual(
      expect.arrayContaining(['order.created', 'payment.completed', 'order.cancelled']),
    );
  });
});

describe('the services table', () => {
  it('has the ports 3001–3016 and unique prefixes', () => {
    expect(serviceNames.map((s) => services[s].port)).toEqual(Array.from({ length: 16 }, (_, i) => 3001 + i));
    const prefixes = routeTable().map((r) => r.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
