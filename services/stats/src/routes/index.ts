import type { App } from '@mp/platform';
import type { Deps } from '../config.ts';
import { activityRoutes } from './activity.ts';
import { breakdownRoutes } from './breakdowns.ts';
import { reportRoutes } from './reports.ts';
import { salesRoutes } from './sales.ts';
import { signupRoutes } from './signups.ts';

/** The public routes of the stats service. */
export function routes(app: App, deps: Deps): void {
  signupRoutes(app, deps);
  salesRoutes(app, deps);
  activityRoutes(app, deps);
  breakdownRoutes(app, deps);
  reportRoutes(app, deps);
}
