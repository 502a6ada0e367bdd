import type { App } from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { accountRoutes } from './internal-accounts.ts';
import { adminRoutes } from './internal-admin.ts';

/** Routes only other services reach, through Dapr service invocation. */
export function internalRoutes(app: App, deps: UserDeps) {
  accountRoutes(app, deps);
  adminRoutes(app, deps);
}
