import type { EventOf } from '@mp/contracts';
import { PermanentEventError, publishOptions, type Transaction } from '@mp/platform';
import type { Database, ExchangeLegStatus, ExchangeStatus } from '../db/schema.ts';
import type { OrderContext } from './context.ts';
import { canMoveExchange, type Exchange, exchangeEvent } from './exchange-state.ts';
import { lockOrder, note } from './orders.ts';

const legColumns = {
  PICKUP: { id: 'pickup_shipment_id', status: 'pickup_status' },
  DELIVERY: { id: 'delivery_shipment_id', status: 'delivery_status' },
} as const;
const legRank: Record<ExchangeLegStatus, number> = {
  CANCELLED: 0,
  REQUESTED: 1,
  DISPATCHED: 2,
  DELIVERED: 3,
  FAILED: 3,
};

async function lockExchange(trx: Transaction<Database>, orderId: string, exchangeId: string, type: string) {
  // The order's lock first, as every writer of an order does: no deadlock with a buyer's request.
  const o = await lockOrder(trx, orderId);
  const x = await trx
    .selectFrom('exchanges')
    .selectAll()
    .where('id', '=', exchangeId)
    .where('order_id', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  if (!o || !x) throw new PermanentEventError(`${type} for unknown exchange ${exchangeId}`);
  return { o, x };
}

async function update(trx: Transaction<Database>, x: Exchange, set: Partial<Exchange>) {
  return trx
    .updateTable('exchanges')
    .set({ ...set, updated_at: new Date() } as never)
    .where('id', '=', x.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** shipping.exchange.requested: the pickup and the new parcel are booked with the seller. */
export async function onExchangeBooked(
  trx: Transaction<Database>,
  e: EventOf<'shipping.exchange.requested'>,
) {
  const { o, x } = await lockExchange(trx, e.data.orderId, e.data.exchangeId, e.eventType);
  await update(trx, x, {
    pickup_shipment_id: e.data.pickupShipmentId,
    pickup_status: x.pickup_status ?? 'REQUESTED',
    delivery_shipment_id: e.data.deliveryShipmentId,
    delivery_status: x.delivery_status ?? 'REQUESTED',
  });
  await note(trx, o.id, {
    type: 'EXCHANGE_SHIPMENTS_BOOKED',
    sourceEventId: e.eventId,
    data: {
      exchangeId: x.id,
      pickupShipmentId: e.data.pickupShipmentId,
      deliveryShipmentId: e.data.deliveryShipmentId,
    },
  });
}

/**
 * shipping.exchange.dispatched / delivered: a leg moves forward (never back). The first dispatch
 * puts the exchange under way (교환진행중); both legs delivered complete it (교환완료):
 * order.exchange.completed, and inventory sells the new units and restocks the returned ones.
 */
export async function onExchangeLeg(
  ctx: OrderContext,
  trx: Transaction<Database>,
  e: EventOf<'shipping.exchange.dispatched'> | EventOf<'shipping.exchange.delivered'>,
  state: 'DISPATCHED' | 'DELIVERED',
) {
  const { o, x } = await lockExchange(trx, e.data.orderId, e.data.exchangeId, e.eventType);
  const col = legColumns[e.data.leg];
  const current = x[col.status];
  const entry = {
    sourceEventId: e.eventId,
    data: { exchangeId: x.id, leg: e.data.leg, shipmentId: e.data.shipmentId },
  };
  if (current && legRank[current] >= legRank[state])
    return note(trx, o.id, { type: `EXCHANGE_${e.data.leg}_${state}_LATE`, ...entry });
  let next = await update(trx, x, { [col.id]: e.data.shipmentId, [col.status]: state } as Partial<Exchange>);
  const done = next.pickup_status === 'DELIVERED' && next.delivery_status === 'DELIVERED';
  const to: ExchangeStatus = done ? 'COMPLETED' : 'IN_PROGRESS';
  if (next.status !== to && canMoveExchange(next.status, to))
    next = await update(trx, next, { status: to, ...(done ? { completed_at: new Date() } : {}) });
  await note(trx, o.id, { type: `EXCHANGE_${e.data.leg}_${state}`, ...entry });
  if (!done || next.status !== 'COMPLETED' || x.status === 'COMPLETED') return;
  await note(trx, o.id, { type: 'EXCHANGE_COMPLETED', data: { exchangeId: x.id } });
  await ctx.events.publish(
    trx,
    'order.exchange.completed',
    { ...exchangeEvent(next), completedAt: next.completed_at!.toISOString() },
    publishOptions('order', o),
  );
}

/**
 * shipping.exchange.failed: the carrier could not carry a leg (배달불가, 반송). The exchange is
 * FAILED (교환실패) with the carrier's reason: order.exchange.failed tells the buyer and the seller,
 * and inventory releases the new SKU's hold. An admin sorts out where the parcels are.
 */
export async function onExchangeFailed(
  ctx: OrderContext,
  trx: Transaction<Database>,
  e: EventOf<'shipping.exchange.failed'>,
) {
  const { o, x } = await lockExchange(trx, e.data.orderId, e.data.exchangeId, e.eventType);
  const col = legColumns[e.data.leg];
  const entry = {
    sourceEventId: e.eventId,
    data: { exchangeId: x.id, leg: e.data.leg, shipmentId: e.data.shipmentId, reason: e.data.reason },
  };
  if (!canMoveExchange(x.status, 'FAILED'))
    return note(trx, o.id, { type: `EXCHANGE_${e.data.leg}_FAILED_LATE`, ...entry });
  const now = new Date();
  await update(trx, x, {
    [col.status]: 'FAILED',
    status: 'FAILED',
    close_reason: `${e.data.leg}: ${e.data.reason}`,
    closed_at: now,
  } as Partial<Exchange>);
  await note(trx, o.id, { type: 'EXCHANGE_FAILED', ...entry });
  await ctx.events.publish(
    trx,
    'order.exchange.failed',
    {
      orderId: o.id,
      exchangeId: x.id,
      userId: o.user_id,
      sellerId: x.seller_id,
      leg: e.data.leg,
      reason: e.data.reason,
      failedAt: e.data.failedAt,
    },
    publishOptions('order', o),
  );
}
