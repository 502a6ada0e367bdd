import type { App, ServiceDeps } from '@mp/platform';
import type { ProductConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { categoryRoutes } from './categories.ts';
import { productRoutes } from './products.ts';

/** The public routes of the product service. */
export function routes(app: App, deps: ServiceDeps<Database, ProductConfig>): void {
  categoryRoutes(app, deps);
  productRoutes(app, deps);
}
