/**
 * 정산 데이터 수집: what settlement keeps from the order events. Any of an order's events may arrive
 * first or twice (the kit has made each delivery once-only); every step takes the order's lock, so
 * two events of one order never interleave, and each step finishes what an earlier one could not.
 */
import type { EventData } from '@mp/contracts';
import { currentConfig, newId, orderReadModel, type Selectable, sql, type Transaction } from '@mp/platform';
import type { Database, LineItemsTable } from '../db/schema.ts';
import { type ItemFigures, lineFigures, refundFigures, shippingFeeBySeller } from './arithmetic.ts';
import { rateFor } from './commission.ts';

type Trx = Transaction<Database>;

/** The kit's read model of orders: each step locks the order, and its facts are set once. */
const orders = orderReadModel<Database>();

/** order.created: one line per seller, its figures fixed with the commission rates in force now. */
export async function collectOrder(trx: Trx, o: EventData<'order.created'>): Promise<void> {
  const facts = { user_id: o.userId, ordered_at: new Date(o.createdAt), collected: true };
  // Already collected from another delivery of the order's creation: nothing more to do.
  const row = await orders.record(trx, o.orderId, facts, 'ordered_at');
  if (!row) return;

  const policy = await currentConfig(trx, 'settlement.commission');
  const sellers = [...new Set(o.items.map((i) => i.sellerId))].sort();
  const shipping = shippingFeeBySeller(o.shippingFee, sellers, o.sellerShippingFees);
  const couponSeller = o.couponIssuer === 'SELLER' ? o.couponSellerId : undefined;

  for (const sellerId of sellers) {
    const items = o.items.filter((i) => i.sellerId === sellerId);
    const figures = lineFigures(
      items.map((i) => ({
        itemId: i.itemId,
        unitPrice: i.price,
        quantity: i.quantity,
        rateBp: rateFor(policy, sellerId, i.categoryId),
      })),
      couponSeller === sellerId ? o.discountAmount : 0,
      shipping.get(sellerId) ?? 0,
    );
    const lineId = newId();
    // The line (with a delivery that came first) and its items in one statement.
    await trx
      .with('line', (db) =>
        db
          .insertInto('lines')
          .values((eb) => ({
            id: lineId,
            order_id: o.orderId,
            seller_id: sellerId,
            gross: figures.gross,
            coupon_burden: figures.couponBurden,
            shipping_fee: figures.shippingFee,
            commission: figures.commission,
            net: figures.net,
            delivered_at: eb
              .selectFrom('deliveries')
              .select((d) => d.fn.min('delivered_at').as('at'))
              .where('order_id', '=', o.orderId)
              .where((d) => d.or([d('seller_id', '=', sellerId), d('seller_id', 'is', null)])),
          }))
          .returning('id'),
      )
      .insertInto('line_items')
      .values(
        figures.items.map((f, k) => ({
          line_id: lineId,
          item_id: f.itemId,
          product_id: items[k]!.productId,
          sku: items[k]!.sku,
          name: items[k]!.name ?? null,
          category_id: items[k]!.categoryId ?? null,
          unit_price: f.unitPrice,
          quantity: f.quantity,
          amount: f.amount,
          coupon_share: f.couponShare,
          rate_bp: f.rateBp,
          commission: f.commission,
        })),
      )
      .execute();
  }
  await settleUp(trx, o.orderId, row);
}

/** payment.completed: the money was collected (a line is payable only for a paid order). */
export async function recordPayment(trx: Trx, p: EventData<'payment.completed'>): Promise<void> {
  const paid = { paid_at: new Date(p.paidAt), paid_amount: p.amount };
  await settleUp(trx, p.orderId, await orders.record(trx, p.orderId, paid, 'paid_at'));
}

/** shipping.delivered (정산 확정): kept on the line for the statement. */
export async function recordDelivery(trx: Trx, d: EventData<'shipping.delivered'>): Promise<void> {
  await orders.lock(trx, d.orderId);
  await trx
    .insertInto('deliveries')
    .values({
      shipment_id: d.shipmentId,
      order_id: d.orderId,
      seller_id: d.sellerId ?? null,
      delivered_at: new Date(d.deliveredAt),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  let q = trx
    .updateTable('lines')
    .set({ delivered_at: new Date(d.deliveredAt) })
    .where('order_id', '=', d.orderId)
    .where('delivered_at', 'is', null);
  if (d.sellerId) q = q.where('seller_id', '=', d.sellerId);
  await q.execute();
}

/** order.completed (구매확정): the order's lines become payable. */
export async function recordCompletion(trx: Trx, c: EventData<'order.completed'>): Promise<void> {
  const completed = { completed_at: new Date(c.completedAt) };
  await settleUp(trx, c.orderId, await orders.record(trx, c.orderId, completed, 'completed_at'));
}

/** order.refund.completed (정산 차감): one deduction per seller whose items were refunded. */
export async function recordRefund(trx: Trx, r: EventData<'order.refund.completed'>): Promise<void> {
  await orders.lock(trx, r.orderId);
  const sellers = [...new Set(r.items.map((i) => i.sellerId))];
  for (const sellerId of sellers) {
    const items = r.items.filter((i) => i.sellerId === sellerId);
    await trx
      .insertInto('refunds')
      .values({
        id: newId(),
        refund_id: r.refundId,
        order_id: r.orderId,
        seller_id: sellerId,
        refunded_at: new Date(r.completedAt),
        buyer_amount: items.reduce((a, i) => a + i.amount, 0),
        items: JSON.stringify(
          items.map((i) => ({ itemId: i.itemId, quantity: i.quantity, amount: i.amount })),
        ),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  // 반품배송비: the buyer paid it to send the parcel back to the seller (a return is one seller's).
  if (r.returnShippingFee && sellers.length)
    await trx
      .insertInto('return_fees')
      .values({
        id: newId(),
        refund_id: r.refundId,
        order_id: r.orderId,
        seller_id: sellers[0]!,
        amount: r.returnShippingFee,
        kept_at: new Date(r.completedAt),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  await settleUp(trx, r.orderId);
}

/** The order's facts as the step that set them left them: what settleUp may skip by. */
type Known = { paid_at: Date | null; completed_at: Date | null } | undefined;

/**
 * What the order's facts now allow: lines of a paid and confirmed order become payable at the
 * confirmation; refunds whose line exists get their figures; a refund falls due once its line is
 * payable (a refund of a sale never confirmed is never paid out, so never deducted). With the
 * order's row as this step set it (`known`), lines of an order not both paid and confirmed are
 * not asked; refunds fall due only where this call made a line payable or figured a refund (no
 * other step does either), so when it did neither, that last statement is not sent.
 */
async function settleUp(trx: Trx, orderId: string, known?: Known): Promise<void> {
  const mayPay = !known || (known.paid_at !== null && known.completed_at !== null);
  const payable = mayPay
    ? await sql`
        update lines l set payable_at = o.completed_at from orders o
        where l.order_id = o.order_id and o.order_id = ${orderId} and l.payable_at is null
          and o.paid_at is not null and o.completed_at is not null`.execute(trx)
    : undefined;
  const figured = await figureRefunds(trx, orderId);
  if (!figured && !Number(payable?.numAffectedRows ?? 0)) return;
  await sql`
    update refunds r set due_at = greatest(r.refunded_at, l.payable_at) from lines l
    where r.order_id = ${orderId} and l.order_id = r.order_id and l.seller_id = r.seller_id
      and r.deduction is not null and r.due_at is null and l.payable_at is not null`.execute(trx);
}

/** Figures the order's refunds whose line exists; answers how many it figured. */
async function figureRefunds(trx: Trx, orderId: string): Promise<number> {
  const pending = await trx
    .selectFrom('refunds')
    .innerJoin('lines', (j) =>
      j.onRef('lines.order_id', '=', 'refunds.order_id').onRef('lines.seller_id', '=', 'refunds.seller_id'),
    )
    .select(['refunds.id', 'refunds.items', 'lines.id as line_id'])
    .where('refunds.order_id', '=', orderId)
    .where('refunds.deduction', 'is', null)
    .orderBy('refunds.refunded_at')
    .orderBy('refunds.id')
    .execute();
  for (const refund of pending) {
    const total = { gross: 0, couponReversed: 0, commissionReversed: 0, deduction: 0 };
    for (const ri of refund.items as { itemId: string; quantity: number }[]) {
      const item = await trx
        .selectFrom('line_items')
        .selectAll()
        .where('line_id', '=', refund.line_id)
        .where('item_id', '=', ri.itemId)
        .executeTakeFirst();
      if (!item) continue; // not this seller's item: nothing of it was going to be paid out
      const f = refundFigures(asFigures(item), item.refunded_quantity, ri.quantity);
      await trx
        .updateTable('line_items')
        .set({ refunded_quantity: item.refunded_quantity + f.quantity })
        .where('line_id', '=', refund.line_id)
        .where('item_id', '=', ri.itemId)
        .execute();
      total.gross += f.gross;
      total.couponReversed += f.couponReversed;
      total.commissionReversed += f.commissionReversed;
      total.deduction += f.deduction;
    }
    await trx
      .updateTable('refunds')
      .set({
        gross: total.gross,
        coupon_reversed: total.couponReversed,
        commission_reversed: total.commissionReversed,
        deduction: total.deduction,
      })
      .where('id', '=', refund.id)
      .execute();
  }
  return pending.length;
}

const asFigures = (i: Selectable<LineItemsTable>): ItemFigures => ({
  itemId: i.item_id,
  unitPrice: i.unit_price,
  quantity: i.quantity,
  rateBp: i.rate_bp,
  amount: i.amount,
  couponShare: i.coupon_share,
  commission: i.commission,
});

/** seller.created / store.updated: the store's name for statements; an older change never wins. */
export async function recordStore(trx: Trx, sellerId: string, storeName: string, at: string): Promise<void> {
  await sql`
    insert into sellers (seller_id, store_name, updated_at) values (${sellerId}, ${storeName}, ${at}::timestamptz)
    on conflict (seller_id) do update set store_name = excluded.store_name, updated_at = excluded.updated_at
      where sellers.updated_at <= excluded.updated_at`.execute(trx);
}
