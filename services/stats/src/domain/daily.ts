/**
 * The daily job (a Dapr cron binding, hourly; each step happens once whatever how often it fires):
 * yesterday's figures are published as `stats.daily.calculated`, and once a month has ended its
 * sales report is made (when `stats.monthlyReport` is on).
 */

import type { Documents } from '@mp/documents';
import { currentConfig } from '@mp/platform';
import type { Deps } from '../config.ts';
import { addDays, kstDate } from './calendar.ts';
import { dayFigures } from './figures.ts';
import { generateMonthlySales } from './reports.ts';

export async function publishDaily(
  { db, events }: Pick<Deps, 'db' | 'events'>,
  date: string,
): Promise<boolean> {
  const f = await dayFigures(db, date);
  return db.transaction().execute(async (trx) => {
    const calculatedAt = new Date();
    const figures = {
      date,
      orders: f.orders,
      grossSales: f.paidAmount,
      newUsers: f.signups,
      newProducts: f.newProducts,
      calculatedAt: calculatedAt.toISOString(),
    };
    const first = await trx
      .insertInto('daily_reports')
      .values({ day: date, figures: JSON.stringify({ ...f, ...figures }), calculated_at: calculatedAt })
      .onConflict((oc) => oc.doNothing())
      .returning('day')
      .executeTakeFirst();
    if (!first) return false;
    await events.publish(trx, 'stats.daily.calculated', figures, { aggregateKey: `stats-daily:${date}` });
    return true;
  });
}

export async function dailyJob(deps: Pick<Deps, 'db' | 'events'>, storage: Documents, now = new Date()) {
  const yesterday = addDays(kstDate(now), -1);
  const published = await publishDaily(deps, yesterday);
  let report: string | undefined;
  if ((await currentConfig(deps.db, 'stats.monthlyReport')).enabled) {
    const lastMonth = addDays(`${kstDate(now).slice(0, 7)}-01`, -1).slice(0, 7);
    report = await generateMonthlySales(deps, storage, { month: lastMonth, automatic: true });
  }
  return { date: yesterday, published, report: report ?? null };
}
