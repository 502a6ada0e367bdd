import { currentConfig } from '@mp/platform';
import type { PayoutContext } from './payout-context.ts';
import { notHeld, startBatch } from './payouts.ts';
import { endedPeriod } from './periods.ts';

/**
 * The scheduled payouts (정기 지급): each period the scheduled settlement run settled gets its batch,
 * as an admin's would, once its settlements are issued — started again on every poll while any of
 * them is left out (a statement issued late, a hold released), so a worker that dies mid-way loses
 * nothing: the batch and its payouts commit together, the unique batch per period and payout per
 * settlement keep it paid once, and the transfers are the payouts worker's. Off when
 * `settlement.schedule` says `enabled: false` or `payouts: false`. Returns the batches started.
 */
export async function scheduledBatches(ctx: PayoutContext, now = new Date()): Promise<number> {
  const schedule = await currentConfig(ctx.db, 'settlement.schedule');
  if (!schedule.enabled || schedule.payouts === false) return 0;
  const due = await ctx.db
    .selectFrom('settlements as s')
    .select(['s.period_from', 's.period_to'])
    .distinct()
    .where('s.trigger', '=', 'SCHEDULED')
    .where('s.status', '=', 'COMPLETED')
    .where('s.net_amount', '>', 0)
    .where('s.carried_into', 'is', null)
    .where('s.period_end', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('payouts as p').select('p.id').whereRef('p.settlement_id', '=', 's.id'))),
    )
    .where(notHeld('s.seller_id', 's.id'))
    .orderBy('s.period_from')
    .limit(31)
    .execute();
  for (const p of due) {
    const batchId = await startBatch(ctx, endedPeriod(p.period_from, p.period_to, now), null);
    ctx.log.info({ period: `${p.period_from}..${p.period_to}`, batchId }, 'scheduled payout batch');
  }
  return due.length;
}
