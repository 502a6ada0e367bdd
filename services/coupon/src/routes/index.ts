import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { couponRoutes } from './coupons.ts';
import { issueRoutes } from './issue.ts';

/** The public routes of the coupon service. */
export function routes(app: App, deps: ServiceDeps<Database>): void {
  issueRoutes(app, deps);
  couponRoutes(app, deps);
}
