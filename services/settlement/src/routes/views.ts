import { type Selectable, z } from '@mp/platform';
import type { SettlementsTable } from '../db/schema.ts';

const date = z.iso.date();

export const settlementView = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    period: z
      .object({ from: date, to: date })
      .openapi({ description: 'Korean calendar dates, both included' }),
    periodStart: z.string(),
    periodEnd: z.string(),
    grossAmount: z.int().openapi({ description: '판매금액 (KRW)' }),
    commission: z.int().openapi({ description: '판매수수료' }),
    commissionVat: z
      .int()
      .openapi({ description: '판매수수료 부가세: 10 % of the commission net of refunds, deducted' }),
    couponBurden: z.int().openapi({ description: '판매자 부담 쿠폰' }),
    shippingFee: z.int().openapi({ description: '배송비' }),
    refundAmount: z.int().openapi({ description: '환불 차감' }),
    returnShippingFee: z.int().openapi({
      description: "반품배송비: return shipping fees buyers' refunds left with the seller, added",
    }),
    carriedOver: z.int().openapi({ description: '이월 차감: negative balances of earlier settlements' }),
    netAmount: z.int().openapi({ description: '정산금액: may be negative' }),
    lineCount: z.int(),
    refundCount: z.int(),
    status: z.enum(['CALCULATED', 'COMPLETED', 'PAID']),
    trigger: z.enum(['SCHEDULED', 'MANUAL']),
    calculatedAt: z.string(),
    completedAt: z.string().nullable(),
    paidAt: z.string().nullable(),
    payoutReference: z.string().nullable(),
    carriedInto: z.string().nullable(),
    statementUrl: z.string().nullable(),
  })
  .openapi('Settlement');

export const toView = (s: Selectable<SettlementsTable>): z.infer<typeof settlementView> => ({
  id: s.id,
  sellerId: s.seller_id,
  period: { from: s.period_from, to: s.period_to },
  periodStart: s.period_start.toISOString(),
  periodEnd: s.period_end.toISOString(),
  grossAmount: s.gross_amount,
  commission: s.commission,
  commissionVat: s.commission_vat,
  couponBurden: s.coupon_burden,
  shippingFee: s.shipping_fee,
  refundAmount: s.refund_amount,
  returnShippingFee: s.return_shipping_fee,
  carriedOver: s.carried_over,
  netAmount: s.net_amount,
  lineCount: s.line_count,
  refundCount: s.refund_count,
  status: s.status,
  trigger: s.trigger,
  calculatedAt: s.calculated_at.toISOString(),
  completedAt: s.completed_at?.toISOString() ?? null,
  paidAt: s.paid_at?.toISOString() ?? null,
  payoutReference: s.payout_reference,
  carriedInto: s.carried_into,
  statementUrl: s.status === 'CALCULATED' ? null : `/api/v1/settlements/${s.id}/statement`,
});

export const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
