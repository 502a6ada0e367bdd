import type { EventData } from '@mp/contracts';
import type { OrderDocItem } from '../db/schema.ts';
import { normalize } from './text.ts';

/**
 * The orders index (`orders`) follows order.* events, in PostgreSQL or OpenSearch
 * (backends/port.ts's `OrdersIndex`, chosen with the products' SEARCH_BACKEND). Each event may
 * arrive late or first: the status is set only by news not older than the document's (its
 * `statusAt`, the event's own instant), an event before order.created leaves a stub that
 * order.created completes, and each refund adds to the refunded sum once.
 */

/** The statuses the order's own events say (payment and shipping steps are the order service's to tell). */
export const orderStatuses = [
  'PENDING_PAYMENT',
  'CANCELLED',
  'COMPLETED',
  'REFUND_REQUESTED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
] as const;

export interface OrderQuery {
  q: string;
  status?: string | undefined;
  sellerId?: string | undefined;
  userId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A status from an order event (cancelled, completed, refund requested) and its instant. */
export interface OrderStatusNews {
  orderId: string;
  userId: string;
  status: string;
  at: string;
}

/** What order.created puts in the index: its lines, and the normalised text words are matched in. */
export function orderContent(d: EventData<'order.created'>) {
  const items: OrderDocItem[] = d.items.map((i) => ({
    itemId: i.itemId,
    productId: i.productId,
    sku: i.sku,
    sellerId: i.sellerId,
    name: i.name ?? null,
    quantity: i.quantity,
    price: i.price,
  }));
  const textOf = (lines: OrderDocItem[]) =>
    normalize([...lines.map((i) => i.name ?? ''), d.shippingAddress.recipient].join(' '));
  return {
    items,
    /** Product names and recipient. */
    text: textOf(items),
    /** Per seller, its own items' names and the recipient: what a seller's words must match. */
    sellerTexts: Object.fromEntries(
      d.sellerIds.map((s) => [s, textOf(items.filter((i) => i.sellerId === s))]),
    ) as Record<string, string>,
  };
}

/** A stored order, whichever index holds it. */
export interface OrderView {
  orderId: string;
  userId: string;
  sellerIds: string[];
  status: string;
  items: OrderDocItem[];
  recipient: string | null;
  paymentMethod: string | null;
  payableAmount: number;
  refundedAmount: number;
  createdAt: string;
  updatedAt: string;
}

/** A search hit: a seller sees only its items and not the order's amounts. */
export function orderHit(o: OrderView, seller: string | undefined) {
  const items = seller ? o.items.filter((i) => i.sellerId === seller) : o.items;
  return {
    orderId: o.orderId,
    userId: o.userId,
    status: o.status,
    items,
    itemsAmount: items.reduce((n, i) => n + i.price * i.quantity, 0),
    recipient: o.recipient,
    paymentMethod: o.paymentMethod,
    ...(seller
      ? {}
      : { sellerIds: o.sellerIds, payableAmount: o.payableAmount, refundedAmount: o.refundedAmount }),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}
export type OrderHit = ReturnType<typeof orderHit>;
