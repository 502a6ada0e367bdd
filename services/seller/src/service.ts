import { intervalWorker, type ServiceDefinition, sql } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { BASE_GRADE, parseGradeRules, reevaluateSellerGrade } from './domain/grades.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'seller',
  description: '판매자: sellers, stores, business info, dashboard',
  config,
  migrations,
  routes,
  internal: internalRoutes,
  handlers,
  workers: (deps) => [
    // Sales leave the grade's window with no event to say so: grades above the base are looked at daily.
    intervalWorker('seller-grade-review', 3_600_000, deps.log, () =>
      deps.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ seller_id: string }>`
          select seller_id from sellers
          where grade <> ${BASE_GRADE} and (grade_evaluated_at is null or grade_evaluated_at < now() - interval '1 day')
          limit 500 for update skip locked`.execute(trx);
        const rules = parseGradeRules(deps.config.SELLER_GRADE_THRESHOLDS);
        for (const r of rows)
          await reevaluateSellerGrade(trx, rules, deps.config.SELLER_GRADE_WINDOW_DAYS, r.seller_id);
      }),
    ),
  ],
};
