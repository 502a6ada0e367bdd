/**
 * 정산 지급 by hand: an admin marks a settlement paid when its money went out other than by a
 * payout batch (→ settlement.paid); refused while a batch's transfer is under way or done.
 */
import { conflict, notFound, publishOptions } from '@mp/platform';
import type { Deps } from '../config.ts';

export async function markPaid(
  { db, events }: Pick<Deps, 'db' | 'events'>,
  id: string,
  adminId: string,
  reference: string | undefined,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom('settlements')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!s) throw notFound('SETTLEMENT_NOT_FOUND', 'No such settlement');
    if (s.status === 'PAID')
      throw conflict('SETTLEMENT_ALREADY_PAID', 'This settlement has been paid already');
    if (s.status === 'CALCULATED')
      throw conflict('STATEMENT_NOT_ISSUED', 'The statement of this settlement has not been issued yet');
    if (s.carried_into)
      throw conflict(
        'SETTLEMENT_CARRIED_OVER',
        `This negative balance was carried into settlement ${s.carried_into}`,
      );
    const payout = await trx
      .selectFrom('payouts')
      .select(['id', 'status'])
      .where('settlement_id', '=', id)
      .executeTakeFirst();
    if (payout && payout.status !== 'FAILED')
      throw conflict(
        'PAYOUT_IN_PROGRESS',
        `This settlement is being paid by transfer (payout ${payout.id}, ${payout.status})`,
      );
    if (s.net_amount <= 0)
      throw conflict(
        'NOTHING_TO_PAY',
        'The net amount is not positive; it is carried into the next settlement',
      );
    const paidAt = new Date();
    await trx
      .updateTable('settlements')
      .set({ status: 'PAID', paid_at: paidAt, paid_by: adminId, payout_reference: reference ?? null })
      .where('id', '=', id)
      .execute();
    await events.publish(
      trx,
      'settlement.paid',
      { settlementId: id, sellerId: s.seller_id, amount: s.net_amount, paidAt: paidAt.toISOString() },
      publishOptions('settlement', id),
    );
  });
}
