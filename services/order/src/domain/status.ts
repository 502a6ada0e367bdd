import type { OrderStatus, ShipmentState } from '../db/schema.ts';

/**
 * The order status machine of the contract: 결제대기 → 결제완료 → 배송준비중 → 배송중 → 배송완료 → 구매확정,
 * and 주문취소 / 결제실패 / 환불요청 / 부분환불 / 환불완료. A move not listed here is refused (routes
 * answer 409; a late or repeated event changes nothing), so an order never goes backwards.
 */
const moves: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: ['PREPARING', 'CANCELLED'],
  PREPARING: ['SHIPPING', 'CANCELLED'],
  SHIPPING: ['DELIVERED'],
  DELIVERED: ['COMPLETED', 'REFUND_REQUESTED'],
  // A return rejected after inspection gives the order back its delivered status.
  REFUND_REQUESTED: ['PARTIALLY_REFUNDED', 'REFUNDED', 'DELIVERED'],
  PARTIALLY_REFUNDED: ['COMPLETED', 'REFUND_REQUESTED'],
  CANCELLED: ['REFUNDED'],
  PAYMENT_FAILED: [],
  COMPLETED: [],
  REFUNDED: [],
};

export const canMove = (from: OrderStatus, to: OrderStatus) => moves[from].includes(to);

/** Statuses a buyer may still cancel from (before any parcel is dispatched). */
export const cancellable: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'PREPARING'];
/** Statuses in which the goods are with the buyer: purchase confirmation and refund requests. */
export const received: readonly OrderStatus[] = ['DELIVERED', 'PARTIALLY_REFUNDED'];

/** The delivery track: how far the shipments have got decides how far the order goes along it. */
const track: readonly OrderStatus[] = ['PAID', 'PREPARING', 'SHIPPING', 'DELIVERED'];

const shipmentRank: Record<ShipmentState, number> = {
  REQUESTED: 1,
  DISPATCHED: 2,
  IN_TRANSIT: 3,
  FAILED: 3,
  DELIVERED: 4,
  CANCELLED: 0,
};

/** A shipment's state moves forward only: a late `dispatched` after `delivered` is ignored. */
export const shipmentAhead = (current: ShipmentState | undefined, next: ShipmentState) =>
  current === undefined || shipmentRank[next] > shipmentRank[current];

/**
 * Where the order should be on the delivery track, given its shipments (one per seller):
 * PREPARING once any is requested, SHIPPING once any is on its way, DELIVERED when every seller's is.
 */
export function trackTarget(sellerCount: number, shipments: ShipmentState[]): OrderStatus {
  const delivered = shipments.filter((s) => s === 'DELIVERED').length;
  if (sellerCount > 0 && delivered >= sellerCount) return 'DELIVERED';
  if (shipments.some((s) => shipmentRank[s] >= 2)) return 'SHIPPING';
  if (shipments.some((s) => s === 'REQUESTED')) return 'PREPARING';
  return 'PAID';
}

/**
 * The steps from `from` to `to` along the delivery track (empty when `to` is not ahead), each one
 * recorded, so the history reads 결제완료 → 배송준비중 → 배송중 → 배송완료 even when events came late.
 */
export function stepsAlongTrack(from: OrderStatus, to: OrderStatus): OrderStatus[] {
  const a = track.indexOf(from);
  const b = track.indexOf(to);
  return a < 0 || b <= a ? [] : track.slice(a + 1, b + 1);
}
