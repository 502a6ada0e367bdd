import {
  type App,
  createRoute,
  decodeCursor,
  jsonResponse,
  keysetPage,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { Deps } from '../config.ts';
import { visibleSettlement } from './access.ts';
import { idParam } from './views.ts';

const lineView = z
  .object({
    orderId: z.string(),
    confirmedAt: z.string().nullable().openapi({ description: '구매확정' }),
    deliveredAt: z.string().nullable(),
    grossAmount: z.int(),
    commission: z.int(),
    couponBurden: z.int(),
    shippingFee: z.int(),
    netAmount: z.int(),
    items: z.array(
      z.object({
        itemId: z.string(),
        productId: z.string(),
        sku: z.string(),
        name: z.string().nullable(),
        categoryId: z.string().nullable(),
        unitPrice: z.int(),
        quantity: z.int(),
        amount: z.int(),
        couponShare: z.int(),
        rateBp: z.int().openapi({ description: 'commission rate in basis points (1080 = 10.8 %)' }),
        commission: z.int(),
        refundedQuantity: z.int(),
      }),
    ),
  })
  .openapi('SettlementLine');

const refundView = z
  .object({
    refundId: z.string(),
    orderId: z.string(),
    refundedAt: z.string(),
    buyerAmount: z.int().openapi({ description: 'what the buyer got back for this seller’s items' }),
    grossAmount: z.int(),
    couponReversed: z.int(),
    commissionReversed: z.int(),
    deduction: z.int(),
  })
  .openapi('SettlementRefund');

const lines = createRoute({
  method: 'get',
  path: '/api/v1/settlements/{id}/lines',
  summary: 'The order lines a settlement pays (정산 내역)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { params: idParam, query: pageQuery },
  responses: { 200: jsonResponse(pageOf(lineView), 'Lines'), ...problems(400, 401, 403, 404) },
});

const refunds = createRoute({
  method: 'get',
  path: '/api/v1/settlements/{id}/refunds',
  summary: 'The refunds a settlement deducts (환불 차감)',
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: { params: idParam, query: pageQuery },
  responses: { 200: jsonResponse(pageOf(refundView), 'Refunds'), ...problems(400, 401, 403, 404) },
});

export function detailRoutes(app: App, { db }: Deps) {
  app.openapi(lines, async (c) => {
    const s = await visibleSettlement(db, c.req.valid('param').id, principalOf(c));
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ orderId: z.string() }));
    let query = db
      .selectFrom('lines')
      .selectAll()
      .where('settlement_id', '=', s.id)
      .orderBy('order_id')
      .limit(q.limit + 1);
    if (after) query = query.where('order_id', '>', after.orderId);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ orderId: last.order_id }));
    const items = page.length
      ? await db
          .selectFrom('line_items')
          .selectAll()
          .where(
            'line_id',
            'in',
            page.map((l) => l.id),
          )
          .orderBy('item_id')
          .execute()
      : [];
    return c.json(
      {
        items: page.map((l) => ({
          orderId: l.order_id,
          confirmedAt: l.payable_at?.toISOString() ?? null,
          deliveredAt: l.delivered_at?.toISOString() ?? null,
          grossAmount: l.gross,
          commission: l.commission,
          couponBurden: l.coupon_burden,
          shippingFee: l.shipping_fee,
          netAmount: l.net,
          items: items
            .filter((i) => i.line_id === l.id)
            .map((i) => ({
              itemId: i.item_id,
              productId: i.product_id,
              sku: i.sku,
              name: i.name,
              categoryId: i.category_id,
              unitPrice: i.unit_price,
              quantity: i.quantity,
              amount: i.amount,
              couponShare: i.coupon_share,
              rateBp: i.rate_bp,
              commission: i.commission,
              refundedQuantity: i.refunded_quantity,
            })),
        })),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(refunds, async (c) => {
    const s = await visibleSettlement(db, c.req.valid('param').id, principalOf(c));
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.uuid() }));
    let query = db
      .selectFrom('refunds')
      .selectAll()
      .where('settlement_id', '=', s.id)
      .orderBy('id')
      .limit(q.limit + 1);
    if (after) query = query.where('id', '>', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map((r) => ({
          refundId: r.refund_id,
          orderId: r.order_id,
          refundedAt: r.refunded_at.toISOString(),
          buyerAmount: r.buyer_amount,
          grossAmount: r.gross ?? 0,
          couponReversed: r.coupon_reversed ?? 0,
          commissionReversed: r.commission_reversed ?? 0,
          deduction: r.deduction ?? 0,
        })),
        nextCursor,
      },
      200,
    );
  });
}
