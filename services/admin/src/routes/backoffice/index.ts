import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../../db/schema.ts';
import { configRoutes } from './configs.ts';
import { dashboardRoutes } from './dashboard.ts';
import { noticeRoutes } from './notices.ts';
import { refundRoutes } from './refunds.ts';
import { settlementRunRoutes } from './settlements.ts';

/** The back office: notices, system settings, the dashboard, settlement runs and failed refunds (admin role on every route). */
export function backofficeRoutes(app: App, deps: ServiceDeps<Database>): void {
  noticeRoutes(app, deps);
  configRoutes(app, deps);
  dashboardRoutes(app, deps);
  settlementRunRoutes(app, deps);
  refundRoutes(app, deps);
}
