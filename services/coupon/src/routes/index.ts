import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { couponRoutes } from './coupons.ts';
import { grantRoutes } from './grants.ts';
import { issueRoutes } from './issue.ts';
import { promotionListRoutes } from './promotion-lists.ts';
import { promotionRoutes } from './promotions.ts';

/** The public routes of the coupon service. */
export function routes(app: App, deps: ServiceDeps<Database>): void {
  // Before the /{id} routes: "mine" and "promotions" are not coupon ids, "managed" not a promotion id.
  promotionListRoutes(app, deps);
  promotionRoutes(app, deps);
  issueRoutes(app, deps);
  grantRoutes(app, deps);
  couponRoutes(app, deps);
}
