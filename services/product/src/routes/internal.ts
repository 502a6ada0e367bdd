import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { lookupRoutes } from './internal-lookups.ts';
import { moderationRoutes } from './internal-moderation.ts';

/** What order and others ask of products, and the admin's review of products, reached only through Dapr. */
export function internalRoutes(app: App, deps: ServiceDeps<Database>) {
  lookupRoutes(app, deps);
  moderationRoutes(app, deps);
}
