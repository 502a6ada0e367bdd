import { type App, admission, type ServiceDeps } from '@mp/platform';
import type { CouponConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { couponRoutes } from './coupons.ts';
import { grantRoutes } from './grants.ts';
import { issueRoutes } from './issue.ts';
import { promotionListRoutes } from './promotion-lists.ts';
import { promotionRoutes } from './promotions.ts';

/** The public routes of the coupon service. */
export function routes(app: App, deps: ServiceDeps<Database, CouponConfig>): void {
  // A coupon drop's rush queues here rather than timing out on the database pool (decision 0013).
  const admit = admission(
    deps.config.COUPON_CLAIM_CONCURRENCY,
    deps.config.COUPON_CLAIM_QUEUE,
    'Too many coupon claims at once; try again shortly',
  );
  // Before the /{id} routes: "mine" and "promotions" are not coupon ids, "managed" not a promotion id.
  promotionListRoutes(app, deps);
  promotionRoutes(app, deps);
  issueRoutes(app, deps, admit);
  grantRoutes(app, deps, admit);
  couponRoutes(app, deps);
}
