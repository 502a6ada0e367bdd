import { decodeCursor, type Kysely, keysetPage, sql, timeIdCursor } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { orderContent, orderHit } from '../domain/orders.ts';
import { terms } from '../domain/text.ts';
import type { OrdersIndex } from './port.ts';

/**
 * The orders index in search's PostgreSQL schema (`order_documents`, a pg_trgm index on the text).
 * Writes go in the event handler's transaction, which the kit runs once per event: a refund is
 * added once because its event is processed once.
 */
export function postgresOrders(db: Kysely<Database>): OrdersIndex {
  return {
    name: 'postgres',
    async applyCreated(d, trx) {
      const { items, text, sellerTexts } = orderContent(d);
      await sql`
        insert into order_documents as o (order_id, user_id, seller_ids, status, status_at, items, recipient,
          payment_method, total_amount, payable_amount, search_text, seller_texts, created_at)
        values (${d.orderId}, ${d.userId}, ${d.sellerIds}, 'PENDING_PAYMENT', ${d.createdAt}::timestamptz,
          ${JSON.stringify(items)}::jsonb, ${d.shippingAddress.recipient}, ${d.paymentMethod}, ${d.totalAmount},
          ${d.payableAmount}, ${text}, ${JSON.stringify(sellerTexts)}::jsonb, ${d.createdAt}::timestamptz)
        on conflict (order_id) do update set seller_ids = excluded.seller_ids, items = excluded.items,
          recipient = excluded.recipient, payment_method = excluded.payment_method, total_amount = excluded.total_amount,
          payable_amount = excluded.payable_amount, search_text = excluded.search_text,
          seller_texts = excluded.seller_texts, created_at = excluded.created_at,
          status = case when o.status_at <= excluded.status_at then excluded.status else o.status end,
          status_at = greatest(o.status_at, excluded.status_at), updated_at = now()`.execute(trx);
    },

    async applyStatus({ orderId, userId, status, at }, trx) {
      await sql`
        insert into order_documents as o (order_id, user_id, status, status_at)
        values (${orderId}, ${userId}, ${status}, ${at}::timestamptz)
        on conflict (order_id) do update set status = excluded.status, status_at = excluded.status_at, updated_at = now()
        where o.status_at <= excluded.status_at`.execute(trx);
    },

    /** A refund paid: the refunded sum grows; the order is REFUNDED once it covers what was paid. */
    async applyRefund(d, trx) {
      await sql`
        insert into order_documents as o (order_id, user_id, status, status_at, refunded_amount)
        values (${d.orderId}, ${d.userId}, 'REFUNDED', ${d.completedAt}::timestamptz, ${d.amount})
        on conflict (order_id) do update set refunded_amount = o.refunded_amount + excluded.refunded_amount,
          status = case when o.status_at > excluded.status_at then o.status
            when o.refunded_amount + excluded.refunded_amount >= o.payable_amount then 'REFUNDED'
            else 'PARTIALLY_REFUNDED' end,
          status_at = greatest(o.status_at, excluded.status_at), updated_at = now()`.execute(trx);
    },

    async search(query, seller) {
      const after = decodeCursor(query.cursor, timeIdCursor);
      const sellerId = seller ?? query.sellerId;
      let q = db.selectFrom('order_documents').selectAll().where('created_at', 'is not', null);
      if (sellerId) q = q.where(sql<boolean>`seller_ids @> array[${sellerId}]::text[]`);
      if (query.userId) q = q.where('user_id', '=', query.userId);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.from) q = q.where('created_at', '>=', new Date(query.from));
      if (query.to) q = q.where('created_at', '<', new Date(query.to));
      const words = terms(query.q);
      if (words.length) {
        const raw = query.q.trim();
        const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) =>
          eb.or([
            eb('order_id', '=', raw),
            eb.and(
              words.flatMap((w) => [
                eb('search_text', 'like', like(w)),
                // A seller's words must be in its own items (or the recipient), not another seller's.
                ...(seller ? [sql<boolean>`seller_texts->>${seller} like ${like(w)}`] : []),
              ]),
            ),
          ]),
        );
      }
      if (after) q = q.where(sql<boolean>`(created_at, order_id) < (${after.t}::timestamptz, ${after.id})`);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('order_id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const { page, nextCursor } = keysetPage(rows, query.limit, (last) => ({
        t: last.created_at!.toISOString(),
        id: last.order_id,
      }));
      return {
        items: page.map((r) =>
          orderHit(
            {
              orderId: r.order_id,
              userId: r.user_id,
              sellerIds: r.seller_ids,
              status: r.status,
              items: r.items,
              recipient: r.recipient,
              paymentMethod: r.payment_method,
              payableAmount: r.payable_amount,
              refundedAmount: r.refunded_amount,
              createdAt: r.created_at!.toISOString(),
              updatedAt: r.updated_at.toISOString(),
            },
            seller,
          ),
        ),
        nextCursor,
      };
    },

    async healthy() {
      return sql`select 1`
        .execute(db)
        .then(() => true)
        .catch(() => false);
    },
  };
}
