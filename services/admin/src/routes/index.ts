import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { backofficeRoutes } from './backoffice/index.ts';
import { eventRoutes } from './events.ts';
import { identityRoutes } from './identity.ts';
import { publicNoticeRoutes } from './notices-public.ts';
import { notificationTemplateRoutes } from './notification-templates.ts';
import { productRoutes } from './products.ts';

/** The public routes of the admin service. */
export function routes(app: App, deps: ServiceDeps<Database>): void {
  eventRoutes(app, deps);
  identityRoutes(app, deps);
  backofficeRoutes(app, deps);
  productRoutes(app, deps);
  notificationTemplateRoutes(app, deps);
  publicNoticeRoutes(app, deps);
}
