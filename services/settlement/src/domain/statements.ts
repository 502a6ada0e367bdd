/**
 * 정산서 발급: a calculated settlement gets its statement PDF in S3, then becomes COMPLETED with
 * `settlement.completed` (the order's last step: the seller is paid). The settlement's row stays locked while its statement
 * is made, so two issuers never issue one twice; the key is fixed per settlement, so a crash after
 * the upload only uploads the same file again.
 */

import type { Documents } from '@mp/documents';
import { jsonb, publishOptions, type Selectable, type Transaction } from '@mp/platform';
import type { Deps } from '../config.ts';
import type { Database, SettlementsTable } from '../db/schema.ts';
import { sellerBusiness } from './seller-business.ts';
import { renderStatement } from './statement-pdf.ts';
import { taxInvoiceOf } from './tax-invoice.ts';

type Trx = Transaction<Database>;

export const statementKey = (
  s: Pick<Selectable<SettlementsTable>, 'id' | 'seller_id' | 'period_from' | 'period_to'>,
) => `statements/${s.seller_id}/${s.period_from}_${s.period_to}/${s.id}.pdf`;

export interface Issuer {
  /** Issues the statements of every calculated settlement; returns how many. */
  issuePending(): Promise<number>;
  /** Issues one settlement's statement now unless it has one; false when there is no such settlement. */
  issue(id: string): Promise<boolean>;
}

export function statementIssuer(
  deps: Pick<Deps, 'db' | 'events' | 'config' | 'dapr'>,
  storage: Documents,
): Issuer {
  const { db } = deps;
  return {
    async issuePending() {
      let n = 0;
      for (;;) {
        const issued = await db.transaction().execute(async (trx) => {
          const s = await trx
            .selectFrom('settlements')
            .selectAll()
            .where('status', '=', 'CALCULATED')
            .orderBy('calculated_at')
            .limit(1)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst();
          if (!s) return false;
          await issueIn(trx, deps, storage, s);
          return true;
        });
        if (!issued) return n;
        n++;
      }
    },
    async issue(id) {
      return db.transaction().execute(async (trx) => {
        const s = await trx
          .selectFrom('settlements')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!s) return false;
        if (s.status === 'CALCULATED') await issueIn(trx, deps, storage, s);
        return true;
      });
    },
  };
}

async function issueIn(
  trx: Trx,
  { events, config, dapr }: Pick<Deps, 'events' | 'config' | 'dapr'>,
  storage: Documents,
  s: Selectable<SettlementsTable>,
): Promise<void> {
  const store = await trx
    .selectFrom('sellers')
    .select('store_name')
    .where('seller_id', '=', s.seller_id)
    .executeTakeFirst();
  const business = await sellerBusiness(dapr, s.seller_id);
  const lines = await trx
    .selectFrom('lines')
    .select(['order_id', 'payable_at', 'gross', 'commission', 'coupon_burden', 'shipping_fee', 'net'])
    .where('settlement_id', '=', s.id)
    .orderBy('payable_at')
    .orderBy('order_id')
    .execute();
  const refunds = await trx
    .selectFrom('refunds')
    .select(['refund_id', 'order_id', 'refunded_at', 'gross', 'deduction'])
    .where('settlement_id', '=', s.id)
    .orderBy('refunded_at')
    .execute();
  const recipient = business
    ? {
        name: business.storeName,
        businessNumber: business.businessNumber,
        representative: business.representative,
        address: business.businessAddress,
      }
    : null;
  const completedAt = new Date();
  const invoice = taxInvoiceOf({ ...s, tax_recipient: recipient, completed_at: completedAt }, config);
  const pdf = await renderStatement(
    {
      settlementId: s.id,
      sellerId: s.seller_id,
      storeName: business?.storeName ?? store?.store_name ?? null,
      business,
      periodFrom: s.period_from,
      periodTo: s.period_to,
      status: s.status,
      calculatedAt: s.calculated_at,
      figures: {
        grossAmount: s.gross_amount,
        commission: s.commission,
        couponBurden: s.coupon_burden,
        shippingFee: s.shipping_fee,
        refundAmount: s.refund_amount,
        returnShippingFee: s.return_shipping_fee,
        commissionVat: s.commission_vat,
        carriedOver: s.carried_over,
        netAmount: s.net_amount,
      },
      taxInvoice: invoice,
      lines: lines.map((l) => ({
        orderId: l.order_id,
        confirmedAt: l.payable_at,
        gross: l.gross,
        commission: l.commission,
        couponBurden: l.coupon_burden,
        shippingFee: l.shipping_fee,
        net: l.net,
      })),
      refunds: refunds.map((r) => ({
        refundId: r.refund_id,
        orderId: r.order_id,
        refundedAt: r.refunded_at,
        gross: r.gross ?? 0,
        deduction: r.deduction ?? 0,
      })),
    },
    { regular: config.STATEMENT_FONT, bold: config.STATEMENT_FONT_BOLD },
  );
  const key = statementKey(s);
  await storage.put(key, pdf, 'application/pdf');
  await trx
    .updateTable('settlements')
    .set({
      status: 'COMPLETED',
      statement_key: key,
      completed_at: completedAt,
      tax_recipient: recipient ? jsonb(recipient) : null,
    })
    .where('id', '=', s.id)
    .execute();
  await events.publish(
    trx,
    'settlement.completed',
    {
      settlementId: s.id,
      sellerId: s.seller_id,
      periodStart: s.period_start.toISOString(),
      periodEnd: s.period_end.toISOString(),
      grossAmount: s.gross_amount,
      commission: s.commission,
      couponBurden: s.coupon_burden,
      shippingFee: s.shipping_fee,
      refundAmount: s.refund_amount,
      returnShippingFee: s.return_shipping_fee,
      commissionVat: s.commission_vat,
      carriedOver: s.carried_over,
      netAmount: s.net_amount,
      completedAt: completedAt.toISOString(),
    },
    publishOptions('settlement', s.id),
  );
}
