import type { Selectable } from '@mp/platform';
import type { ExchangeStatus, ExchangesTable } from '../db/schema.ts';

export type Exchange = Selectable<ExchangesTable>;

/**
 * An exchange's machine: REQUESTED 교환요청 → IN_PROGRESS 교환진행중 (a leg dispatched) →
 * COMPLETED 교환완료 (both legs delivered); REQUESTED → REJECTED 교환거부 (the seller) or
 * CANCELLED 교환철회 (the buyer), only while nothing is dispatched; FAILED 교환실패 when the carrier
 * could not carry a leg (배달불가, 반송): buyer and seller are told, an admin sorts out the parcels.
 */
const moves: Record<ExchangeStatus, readonly ExchangeStatus[]> = {
  REQUESTED: ['IN_PROGRESS', 'COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  REJECTED: [],
  CANCELLED: [],
  FAILED: [],
};
export const canMoveExchange = (from: ExchangeStatus, to: ExchangeStatus) => moves[from].includes(to);

/** Still under way: purchase confirmation waits for it. */
export const openStatuses: readonly ExchangeStatus[] = ['REQUESTED', 'IN_PROGRESS'];
export const openExchange = (x: Pick<Exchange, 'status'>) => openStatuses.includes(x.status);

/** Units of an order line taken by exchanges that still stand (open or completed). */
export const held = (itemId: string, exchanges: Pick<Exchange, 'status' | 'items'>[]) =>
  exchanges
    .filter((x) => x.status !== 'REJECTED' && x.status !== 'CANCELLED' && x.status !== 'FAILED')
    .flatMap((x) => x.items)
    .filter((l) => l.itemId === itemId)
    .reduce((s, l) => s + l.quantity, 0);

/** The fields every order.exchange.* event shares. */
export const exchangeEvent = (x: Exchange) => ({
  orderId: x.order_id,
  exchangeId: x.id,
  userId: x.user_id,
  sellerId: x.seller_id,
  items: x.items.map((l) => ({
    itemId: l.itemId,
    productId: l.productId,
    sku: l.sku,
    newSku: l.newSku,
    quantity: l.quantity,
  })),
});
