import type { z } from 'zod';
import type { Envelope } from './envelope.ts';
import * as b from './events/backoffice.ts';
import * as c from './events/catalog.ts';
import * as i from './events/identity.ts';
import * as o from './events/ordering.ts';
import { type ServiceName, serviceNames } from './services.ts';

interface EventSpec {
  publisher: ServiceName;
  /** Who consumes it besides admin, which monitors every topic. */
  subscribers: readonly ServiceName[];
  data: z.ZodType;
  /** Where the original design asks for this subscription (kept for the docs' event table). */
  why?: string;
}

/**
 * The event catalog: every topic, its payload schema, its publisher and its subscribers.
 * The original design's per-service publish/subscribe lists, business flows and dependency matrix, gaps resolved.
 * Dapr subscriptions, the Helm Subscription YAML and docs/events.md are generated from it.
 */
export const eventCatalog = {
  'auth.user.login': { publisher: 'auth', subscribers: ['stats'], data: i.authUserLogin },
  'auth.user.logout': { publisher: 'auth', subscribers: [], data: i.authUserLogout },
  'auth.token.refreshed': { publisher: 'auth', subscribers: [], data: i.authTokenRefreshed },
  'auth.password.reset': { publisher: 'auth', subscribers: ['notification'], data: i.authPasswordReset },
  'auth.email.verification': {
    publisher: 'auth',
    subscribers: ['notification'],
    data: i.authEmailVerification,
  },

  'user.created': {
    publisher: 'user',
    subscribers: ['stats', 'notification', 'auth'],
    data: i.userCreated,
    why: 'auth opens an email verification for an account whose email nothing proved yet',
  },
  'user.updated': {
    publisher: 'user',
    subscribers: ['auth', 'seller', 'stats'],
    data: i.userUpdated,
    why: 'suspended users lose their sessions; a restored account reopens the store its suspension closed',
  },
  'user.deleted': {
    publisher: 'user',
    subscribers: ['auth', 'notification', 'stats'],
    data: i.userDeleted,
    why: 'deleted users lose their sessions; their devices, notification settings and history are erased',
  },
  'user.address.created': { publisher: 'user', subscribers: [], data: i.userAddressCreated },

  'seller.created': {
    publisher: 'seller',
    subscribers: ['notification', 'settlement'],
    data: i.sellerCreated,
    why: 'settlement names the store on its statements (정산서)',
  },
  'seller.verified': {
    publisher: 'seller',
    subscribers: ['notification', 'product'],
    data: i.sellerVerified,
    why: "product: a reinstated seller's products go back on sale",
  },
  'seller.suspended': {
    publisher: 'seller',
    subscribers: ['notification', 'product'],
    data: i.sellerSuspended,
  },
  'store.updated': {
    publisher: 'seller',
    subscribers: ['notification', 'settlement'],
    data: i.storeUpdated,
    why: 'settlement names the store on its statements (정산서); a rejected application is mailed to the applicant',
  },

  'product.created': {
    publisher: 'product',
    subscribers: ['search', 'inventory', 'stats'],
    data: c.productCreated,
    why: 'a seller registered a product: search indexes it, inventory opens its stock, stats counts it (it waits for review as PENDING_REVIEW in product itself)',
  },
  'product.updated': {
    publisher: 'product',
    subscribers: ['search', 'inventory', 'stats'],
    data: c.productUpdated,
    why: 'inventory: SKUs a seller adds or removes',
  },
  'product.deleted': {
    publisher: 'product',
    subscribers: ['search', 'inventory', 'stats'],
    data: c.productDeleted,
  },
  'product.viewed': {
    publisher: 'product',
    subscribers: ['stats'],
    data: c.productViewed,
    why: 'stats: the views series (상품 조회수) and the ClickEvents it writes',
  },
  'product.approved': {
    publisher: 'product',
    subscribers: ['search', 'notification'],
    data: c.productApproved,
  },
  'product.rejected': {
    publisher: 'product',
    subscribers: ['search', 'notification'],
    data: c.productRejected,
  },
  'product.revision.submitted': {
    publisher: 'product',
    subscribers: ['notification'],
    data: c.productRevisionSubmitted,
    why: 'the seller hears that its edit of an approved product waits for review (the approved version sells meanwhile)',
  },
  'product.revision.approved': {
    publisher: 'product',
    subscribers: ['notification'],
    data: c.productRevisionApproved,
    why: 'the seller hears its held edit is live (product.updated carries the change itself)',
  },
  'product.revision.rejected': {
    publisher: 'product',
    subscribers: ['notification'],
    data: c.productRevisionRejected,
    why: 'the seller hears why its held edit was turned down',
  },
  'product.stock.changed': { publisher: 'product', subscribers: ['search'], data: c.productStockChanged },

  'inventory.reserved': { publisher: 'inventory', subscribers: [], data: c.inventoryReserved },
  'inventory.adjusted': { publisher: 'inventory', subscribers: ['product'], data: c.inventoryAdjusted },
  'inventory.low_stock': {
    publisher: 'inventory',
    subscribers: ['product', 'notification'],
    data: c.inventoryLowStock,
    why: 'stock ran low: product shows the 품절임박 (almost sold out) flag and the seller is told',
  },
  'inventory.out_of_stock': {
    publisher: 'inventory',
    subscribers: ['product', 'notification'],
    data: c.inventoryOutOfStock,
  },

  'review.created': { publisher: 'review', subscribers: ['product'], data: c.reviewCreated },
  'review.updated': { publisher: 'review', subscribers: ['product'], data: c.reviewUpdated },
  'review.deleted': { publisher: 'review', subscribers: ['product'], data: c.reviewDeleted },

  'file.uploaded': { publisher: 'file', subscribers: [], data: c.fileUploaded },
  'file.deleted': { publisher: 'file', subscribers: [], data: c.fileDeleted },

  'order.created': {
    publisher: 'order',
    subscribers: [
      'payment',
      'inventory',
      'coupon',
      'shipping',
      'seller',
      'settlement',
      'notification',
      'stats',
      'search',
    ],
    data: o.orderCreated,
    why: 'an order was placed: payment, stock and coupon act on it, and notification tells each seller of the new order; shipping and settlement keep the per-seller split',
  },
  'order.item.confirmed': { publisher: 'order', subscribers: ['product'], data: o.orderItemConfirmed },
  'order.cancelled': {
    publisher: 'order',
    subscribers: [
      'payment',
      'inventory',
      'coupon',
      'shipping',
      'product',
      'notification',
      'stats',
      'seller',
      'search',
    ],
    data: o.orderCancelled,
    why: 'an order was cancelled: payment refunds, inventory restores stock, coupon gives the coupon back, shipping cancels; notification tells the buyer and each seller of their lines',
  },
  'order.completed': {
    publisher: 'order',
    subscribers: ['user', 'settlement', 'stats', 'product', 'search'],
    data: o.orderCompleted,
  },
  'order.refund.requested': {
    publisher: 'order',
    subscribers: ['payment', 'shipping', 'search'],
    data: o.orderRefundRequested,
    why: "반품: shipping books the pickup with the carrier; payment keeps a virtual account's refund account",
  },
  'order.return.inspected': {
    publisher: 'order',
    subscribers: ['payment', 'inventory', 'notification'],
    data: o.orderReturnInspected,
    why: 'accepted: payment refunds less the return shipping fee, inventory restocks or writes off; the buyer is told either way',
  },
  'order.return.pickup_failed': {
    publisher: 'order',
    subscribers: ['notification'],
    data: o.orderReturnPickupFailed,
    why: "the carrier could not collect a return: the buyer and the seller are told; it waits in the back office's list of returns for an admin",
  },
  'order.refund.completed': {
    publisher: 'order',
    subscribers: ['settlement', 'stats', 'notification', 'search'],
    data: o.orderRefundCompleted,
    why: "contract: published by order once payment.refunded arrives; the buyer's one refund message",
  },
  'order.exchange.requested': {
    publisher: 'order',
    subscribers: ['inventory', 'shipping'],
    data: o.orderExchangeRequested,
    why: '교환: inventory keeps the new SKU reserved; shipping books the pickup and the new parcel',
  },
  'order.exchange.completed': {
    publisher: 'order',
    subscribers: ['inventory'],
    data: o.orderExchangeCompleted,
    why: 'inventory sells the reserved new SKU and restocks the returned one',
  },
  'order.exchange.cancelled': {
    publisher: 'order',
    subscribers: ['inventory', 'shipping'],
    data: o.orderExchangeCancelled,
    why: 'rejected by the seller or withdrawn by the buyer: the reservation is released, the legs cancelled',
  },
  'order.exchange.failed': {
    publisher: 'order',
    subscribers: ['inventory', 'notification'],
    data: o.orderExchangeFailed,
    why: 'a leg the carrier could not carry: the new SKU is released and the buyer and the seller are told',
  },

  'payment.requested': { publisher: 'payment', subscribers: [], data: o.paymentRequested },
  'payment.completed': {
    publisher: 'payment',
    subscribers: ['order', 'inventory', 'shipping', 'notification', 'settlement', 'user', 'seller', 'stats'],
    data: o.paymentCompleted,
    why: 'the buyer paid: the order becomes 결제완료, inventory commits the reserved stock, shipping starts preparing, the buyer is told, settlement records the sale',
  },
  'payment.failed': { publisher: 'payment', subscribers: ['order', 'notification'], data: o.paymentFailed },
  'payment.refunded': {
    publisher: 'payment',
    subscribers: ['order', 'user'],
    data: o.paymentRefunded,
    why: 'a refund went through: the order records it (settlement and notification hear of it through order.refund.completed: the buyer gets one refund message); user nets refunds out of the grade',
  },
  'payment.cancelled': { publisher: 'payment', subscribers: ['order'], data: o.paymentCancelled },

  'shipping.requested': {
    publisher: 'shipping',
    subscribers: ['order', 'seller'],
    data: o.shippingRequested,
  },
  'shipping.dispatched': {
    publisher: 'shipping',
    subscribers: ['order', 'notification', 'seller', 'user'],
    data: o.shippingDispatched,
  },
  'shipping.in_transit': { publisher: 'shipping', subscribers: ['order'], data: o.shippingInTransit },
  'shipping.delivered': {
    publisher: 'shipping',
    subscribers: ['order', 'notification', 'settlement', 'review', 'user'],
    data: o.shippingDelivered,
    why: 'a shipment arrived: the order moves toward 배송완료, the buyer is told and asked for a review, settlement confirms the sale, user updates the grade',
  },
  'shipping.failed': {
    publisher: 'shipping',
    subscribers: ['order', 'notification'],
    data: o.shippingFailed,
  },
  'shipping.return.requested': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingReturnRequested,
  },
  'shipping.return.received': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingReturnReceived,
    why: "the return parcel is back with the seller: the seller's inspection opens",
  },
  'shipping.return.failed': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingReturnFailed,
    why: 'the carrier refused the pickup or could not carry it: an admin settles the return',
  },

  'shipping.exchange.requested': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingExchangeRequested,
  },
  'shipping.exchange.dispatched': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingExchangeDispatched,
  },
  'shipping.exchange.delivered': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingExchangeDelivered,
    why: 'the exchange completes when both legs are delivered',
  },
  'shipping.exchange.failed': {
    publisher: 'shipping',
    subscribers: ['order'],
    data: o.shippingExchangeFailed,
    why: 'a leg the carrier could not carry (배달불가) fails the exchange',
  },

  'coupon.created': { publisher: 'coupon', subscribers: [], data: o.couponCreated },
  'coupon.issued': { publisher: 'coupon', subscribers: [], data: o.couponIssued },
  'coupon.used': { publisher: 'coupon', subscribers: ['stats'], data: o.couponUsed },
  'coupon.expired': { publisher: 'coupon', subscribers: [], data: o.couponExpired },

  'settlement.calculated': { publisher: 'settlement', subscribers: [], data: b.settlementCalculated },
  'settlement.completed': {
    publisher: 'settlement',
    subscribers: ['seller', 'notification'],
    data: b.settlementCompleted,
    why: "a seller's settlement is done: seller records it and notification sends the statement (정산서)",
  },
  'settlement.paid': { publisher: 'settlement', subscribers: ['notification'], data: b.settlementPaid },
  'settlement.payout.failed': {
    publisher: 'settlement',
    subscribers: ['notification'],
    data: b.settlementPayoutFailed,
    why: 'the seller is told to check its bank account; the operators see it in the failed payout list',
  },

  'notification.sent': { publisher: 'notification', subscribers: [], data: b.notificationSent },
  'notification.failed': { publisher: 'notification', subscribers: [], data: b.notificationFailed },

  'admin.user.suspended': {
    publisher: 'admin',
    subscribers: ['auth', 'notification', 'seller'],
    data: b.adminUserSuspended,
    why: "a suspended account's sessions end and its store is suspended",
  },
  'admin.seller.approved': { publisher: 'admin', subscribers: [], data: b.adminSellerApproved },
  'admin.notice.published': {
    publisher: 'admin',
    subscribers: ['notification'],
    data: b.adminNoticePublished,
  },

  'stats.daily.calculated': { publisher: 'stats', subscribers: [], data: b.statsDailyCalculated },
  'stats.report.generated': { publisher: 'stats', subscribers: [], data: b.statsReportGenerated },
} as const satisfies Record<string, EventSpec>;

export type EventType = keyof typeof eventCatalog;
export const eventTypes = Object.keys(eventCatalog) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['data']>;
export type EventOf<T extends EventType> = Omit<Envelope, 'eventType' | 'data'> & {
  eventType: T;
  data: EventData<T>;
};

/** The service that monitors every topic (admin: 모든 이벤트). */
export const monitorService: ServiceName = 'admin';
/** The topic that Dapr forwards undeliverable and dropped messages to; admin monitors it. */
export const deadLetterTopic = 'marketplace.deadletter';
/**
 * How Dapr hands one subscription's events to its app: Dapr's bulk subscribe settings, rendered as
 * they are into the kit's programmatic `/dapr/subscribe` (local runs) and the chart's declarative
 * Subscriptions. With `enabled`, daprd batches what the broker has in flight for the topic: a batch
 * is flushed at `maxMessagesCount` or `maxAwaitDurationMs` after its first event, and its timer
 * ticks at that period even when idle (docs/decisions/0024).
 */
export interface Delivery {
  readonly enabled: boolean;
  readonly maxMessagesCount?: number;
  readonly maxAwaitDurationMs?: number;
}

/** One by one, at once: each event is its own request, with no added wait and no idle timer. */
export const immediateDelivery: Delivery = { enabled: false };

/**
 * In batches, for subscribers that follow what happened without moving it on (the monitor, read
 * models, counters, messages): a lone event waits up to half a second per hop, a busy topic is
 * handed over up to 100 events per request, and an idle subscription's timer ticks twice a second.
 */
export const batchedDelivery: Delivery = { enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 500 };

/**
 * In short batches, for the saga's subscribers on the topics every order passes through: a lone
 * event waits up to a tenth of a second per hop; under load a batch holds what arrived in that
 * tenth (up to 50), taken in one transaction instead of one per event (docs/decisions/0070).
 */
export const sagaBatchDelivery: Delivery = { enabled: true, maxMessagesCount: 50, maxAwaitDurationMs: 100 };

/**
 * The subscribers whose handlers move an order's saga (order, payment, inventory, shipping,
 * coupon) or end a suspended account's sessions (auth). Every other subscriber follows.
 */
export const sagaSubscribers: readonly ServiceName[] = [
  'order',
  'payment',
  'inventory',
  'shipping',
  'coupon',
  'auth',
];

/**
 * The events every order produces on its way to the buyer: its creation, its payment, its parcel
 * asked for, handed to the carrier, on its way and delivered. The saga's subscribers take these in
 * short batches; the rest of their topics (cancellations, refunds, returns, exchanges, catalog and
 * account changes) come one at a time, so their subscriptions keep no timer.
 */
export const everyOrderTopics: readonly EventType[] = [
  'order.created',
  'payment.completed',
  'shipping.requested',
  'shipping.dispatched',
  'shipping.in_transit',
  'shipping.delivered',
];

/** How `topic` is delivered to `service` (the monitor's dead-letter topic included). */
export function deliveryOf(service: ServiceName, topic: string): Delivery {
  if (!sagaSubscribers.includes(service)) return batchedDelivery;
  return (everyOrderTopics as readonly string[]).includes(topic) ? sagaBatchDelivery : immediateDelivery;
}

/** The topics a service subscribes to, from the catalog. */
export function subscriptionsOf(service: ServiceName): EventType[] {
  if (service === monitorService) return [...eventTypes];
  return eventTypes.filter((t) => (eventCatalog[t].subscribers as readonly ServiceName[]).includes(service));
}

/** The topics a service publishes. */
export function publicationsOf(service: ServiceName): EventType[] {
  return eventTypes.filter((t) => eventCatalog[t].publisher === service);
}

export const isEventType = (t: string): t is EventType => Object.hasOwn(eventCatalog, t);

export { serviceNames };
