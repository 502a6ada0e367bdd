import type { App } from '@mp/platform';
import type { StatsContext } from '../config.ts';
import { activityRoutes } from './activity.ts';
import { breakdownRoutes } from './breakdowns.ts';
import { reportRoutes } from './reports.ts';
import { salesRoutes } from './sales.ts';
import { signupRoutes } from './signups.ts';

/** The public routes of the stats service. */
export function routes(app: App, ctx: StatsContext): void {
  signupRoutes(app, ctx.deps);
  salesRoutes(app, ctx.deps);
  activityRoutes(app, ctx.deps);
  breakdownRoutes(app, ctx.deps);
  reportRoutes(app, ctx);
}
