/**
 * 정산 실행: closes a period for every seller with something due. A run is idempotent per
 * (seller, period) — the same period again finds the settlement already made — and race-free: a
 * seller's settlement is made under the seller's lock, and lines and refunds are claimed with a
 * conditional update (`settlement_id is null`), so two runs at once never settle a line twice.
 * Lines and refunds due before the period's end that no earlier run took are brought in (late
 * events are settled in the next run, never lost).
 */
import { lockKey, newId, publishOptions, sql } from '@mp/platform';
import type { Deps } from '../config.ts';
import { commissionVat, settlementFigures } from './arithmetic.ts';
import type { Period } from './periods.ts';

export interface RunRequest {
  period: Period;
  trigger: 'SCHEDULED' | 'MANUAL';
  requestedBy?: string;
  sellerId?: string;
}

export interface RunResult {
  /** Settlements this run made. */
  created: string[];
  /** Every settlement of the period (made now or by an earlier run), of the seller when one was given. */
  settlementIds: string[];
}

export async function runSettlements(
  { db, events }: Pick<Deps, 'db' | 'events'>,
  req: RunRequest,
): Promise<RunResult> {
  const end = req.period.end;
  const seller = req.sellerId;
  const { rows } = await sql<{ seller_id: string }>`
    select seller_id from lines
      where settlement_id is null and payable_at < ${end} ${seller ? sql`and seller_id = ${seller}` : sql``}
    union
    select seller_id from refunds
      where settlement_id is null and due_at < ${end} ${seller ? sql`and seller_id = ${seller}` : sql``}
    order by 1`.execute(db);
  const created: string[] = [];
  for (const { seller_id } of rows) {
    const id = await settleSeller({ db, events }, seller_id, req);
    if (id) created.push(id);
  }
  let q = db
    .selectFrom('settlements')
    .select('id')
    .where('period_start', '=', req.period.start)
    .where('period_end', '=', end)
    .orderBy('seller_id');
  if (seller) q = q.where('seller_id', '=', seller);
  return { created, settlementIds: (await q.execute()).map((r) => r.id) };
}

async function settleSeller(
  { db, events }: Pick<Deps, 'db' | 'events'>,
  sellerId: string,
  req: RunRequest,
): Promise<string | undefined> {
  const { period } = req;
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, `settlement-seller:${sellerId}`);
    const id = newId();
    const calculatedAt = new Date();
    const made = await trx
      .insertInto('settlements')
      .values({
        id,
        seller_id: sellerId,
        period_from: period.from,
        period_to: period.to,
        period_start: period.start,
        period_end: period.end,
        status: 'CALCULATED',
        trigger: req.trigger,
        requested_by: req.requestedBy ?? null,
        calculated_at: calculatedAt,
      })
      .onConflict((oc) => oc.constraint('settlements_once').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!made) return undefined;

    const lines = await trx
      .updateTable('lines')
      .set({ settlement_id: id })
      .where('seller_id', '=', sellerId)
      .where('settlement_id', 'is', null)
      .where('payable_at', '<', period.end)
      .returning(['gross', 'commission', 'coupon_burden', 'shipping_fee'])
      .execute();
    const refunds = await trx
      .updateTable('refunds')
      .set({ settlement_id: id })
      .where('seller_id', '=', sellerId)
      .where('settlement_id', 'is', null)
      .where('due_at', '<', period.end)
      .returning(['deduction', 'commission_reversed'])
      .execute();
    const fees = await trx
      .updateTable('return_fees')
      .set({ settlement_id: id })
      .where('seller_id', '=', sellerId)
      .where('settlement_id', 'is', null)
      .where('kept_at', '<', period.end)
      .returning('amount')
      .execute();
    if (lines.length === 0 && refunds.length === 0 && fees.length === 0) {
      // Another run took them first: no empty settlement is left behind.
      await trx.deleteFrom('settlements').where('id', '=', id).execute();
      return undefined;
    }
    const carried = await trx
      .updateTable('settlements')
      .set({ carried_into: id })
      .where('seller_id', '=', sellerId)
      .where('id', '<>', id)
      .where('net_amount', '<', 0)
      .where('carried_into', 'is', null)
      .where('status', '<>', 'PAID')
      .returning('net_amount')
      .execute();
    const f = settlementFigures(
      lines.map((l) => ({
        gross: l.gross,
        commission: l.commission,
        couponBurden: l.coupon_burden,
        shippingFee: l.shipping_fee,
      })),
      refunds.map((r) => ({ deduction: r.deduction ?? 0 })),
      fees.map((f) => Number(f.amount)),
    );
    const carriedOver = carried.reduce((a, c) => a + c.net_amount, 0);
    // VAT on the commission this settlement charges: its lines' less what its refunds reversed.
    const reversed = refunds.reduce((a, r) => a + (r.commission_reversed ?? 0), 0);
    const vat = commissionVat(f.commission - reversed);
    const netAmount = f.netAmount - vat + carriedOver;
    await trx
      .updateTable('settlements')
      .set({
        gross_amount: f.grossAmount,
        commission: f.commission,
        coupon_burden: f.couponBurden,
        shipping_fee: f.shippingFee,
        refund_amount: f.refundAmount,
        return_shipping_fee: f.returnShippingFee,
        commission_vat: vat,
        commission_reversed: reversed,
        carried_over: carriedOver,
        net_amount: netAmount,
        line_count: lines.length,
        refund_count: refunds.length,
      })
      .where('id', '=', id)
      .execute();
    await events.publish(
      trx,
      'settlement.calculated',
      {
        settlementId: id,
        sellerId,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        ...f,
        commissionVat: vat,
        carriedOver,
        netAmount,
        calculatedAt: calculatedAt.toISOString(),
      },
      publishOptions('settlement', id),
    );
    return id;
  });
}
