import type { App, ServiceDeps } from '@mp/platform';
import type { InventoryConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { stockRoutes } from './stock.ts';

/** The public routes of the inventory service. */
export function routes(app: App, deps: ServiceDeps<Database, InventoryConfig>): void {
  stockRoutes(app, deps);
}
