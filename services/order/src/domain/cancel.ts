import { conflict, type Principal, validationFailed } from '@mp/platform';
import type { Order, OrderContext } from './context.ts';
import { announceCancelled, lockOwnOrder, transition } from './orders.ts';
import type { RefundReceiveAccount } from './refund-requests.ts';
import { cancellable } from './status.ts';

/**
 * The buyer cancels before any parcel is dispatched: CANCELLED and
 * order.cancelled, on which payment refunds, inventory restocks, coupon restores, shipping stops.
 */
export async function cancelOrder(
  ctx: OrderContext,
  by: Principal,
  id: string,
  reason: string,
  refundReceiveAccount?: RefundReceiveAccount,
): Promise<Order> {
  return ctx.db.transaction().execute(async (trx) => {
    const o = await lockOwnOrder(trx, by, id);
    if (!cancellable.includes(o.status)) throw notCancellable(o);
    // A deposited virtual account is refunded by bank transfer: Toss needs the buyer's account.
    if (o.payment_method === 'virtual_account' && o.status !== 'PENDING_PAYMENT' && !refundReceiveAccount)
      throw validationFailed([
        { path: 'refundReceiveAccount', message: 'required to cancel a paid virtual-account order' },
      ]);
    const dispatched = await trx
      .selectFrom('order_shipments')
      .select('seller_id')
      .where('order_id', '=', o.id)
      .where('status', 'in', ['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'])
      .executeTakeFirst();
    if (dispatched) throw notCancellable({ ...o, status: 'SHIPPING' });
    const moved = await transition(
      trx,
      o,
      'CANCELLED',
      { type: 'CANCELLED_BY_BUYER', data: { reason, by: by.userId } },
      {
        cancelled_at: new Date(),
        cancel_reason: reason,
      },
    );
    if (!moved) throw notCancellable(o);
    await announceCancelled(ctx, trx, o, reason, refundReceiveAccount);
    return moved;
  });
}

const notCancellable = (o: Order) =>
  conflict(
    'ORDER_NOT_CANCELLABLE',
    o.status === 'SHIPPING' || o.status === 'DELIVERED'
      ? 'The order has been dispatched; request a refund once it arrives'
      : `An order that is ${o.status} cannot be cancelled`,
    { status: o.status },
  );

/** Unpaid orders past their payment window are cancelled (PAYMENT_TIMEOUT); their stock is released. */
export async function expireUnpaid(ctx: OrderContext, batch = 100): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('orders')
      .selectAll()
      .where('status', '=', 'PENDING_PAYMENT')
      .where('payment_due_at', '<', new Date())
      .orderBy('payment_due_at')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const o of due) {
      const moved = await transition(
        trx,
        o,
        'CANCELLED',
        { type: 'PAYMENT_TIMEOUT' },
        { cancelled_at: new Date(), cancel_reason: 'PAYMENT_TIMEOUT' },
      );
      if (moved) await announceCancelled(ctx, trx, o, 'PAYMENT_TIMEOUT');
    }
    return due.length;
  });
}
