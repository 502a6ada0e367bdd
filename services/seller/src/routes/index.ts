import type { App } from '@mp/platform';
import type { SellerDeps } from '../config.ts';
import { meRoutes } from './me.ts';
import { storeRoutes } from './stores.ts';

/** The public routes of the seller service. */
export function routes(app: App, deps: SellerDeps): void {
  meRoutes(app, deps);
  storeRoutes(app, deps);
}
