import type { Shipment, TrackingEvent } from './context.ts';

export const toShipmentDto = (s: Shipment, tracking?: TrackingEvent[]) => ({
  id: s.id,
  orderId: s.order_id,
  sellerId: s.seller_id,
  userId: s.user_id,
  kind: s.kind,
  returnOf: s.return_of,
  refundRequestId: s.refund_request_id,
  exchangeId: s.exchange_id,
  status: s.status,
  recipient: s.recipient,
  items: s.items,
  carrier: s.carrier,
  trackingNumber: s.tracking_number,
  trackingLevel: s.tracking_level,
  estimatedDelivery: s.estimated_delivery?.toISOString() ?? null,
  reason: s.reason,
  requestedAt: s.requested_at.toISOString(),
  dispatchedAt: s.dispatched_at?.toISOString() ?? null,
  deliveredAt: s.delivered_at?.toISOString() ?? null,
  cancelledAt: s.cancelled_at?.toISOString() ?? null,
  ...(tracking
    ? {
        tracking: tracking.map((t) => ({
          level: t.level,
          kind: t.kind,
          location: t.location,
          at: t.occurred_at.toISOString(),
        })),
      }
    : {}),
});
