import { intervalWorker, type ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { parseGradeRules, reviewGrades } from './domain/grades.ts';
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
  workers: (deps) => {
    const rules = parseGradeRules(deps.config.SELLER_GRADE_THRESHOLDS);
    // 판매자 등급 is evaluated periodically, off the order path: the queued orders' sellers, and daily
    // the grades above the base (sales leave the window with no event to say so).
    return [
      intervalWorker('seller-grade-review', deps.config.SELLER_GRADE_REVIEW_SECONDS * 1000, deps.log, () =>
        reviewGrades(deps.db, rules, deps.config.SELLER_GRADE_WINDOW_DAYS),
      ),
    ];
  },
};
