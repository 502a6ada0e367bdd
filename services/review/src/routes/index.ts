import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { listingRoutes } from './listings.ts';
import { reviewRoutes } from './reviews.ts';
import { voteRoutes } from './votes.ts';

/** The public routes of the review service (the lists first: `/reviews/mine` is no review id). */
export function routes(app: App, deps: ServiceDeps<Database>): void {
  listingRoutes(app, deps);
  reviewRoutes(app, deps);
  voteRoutes(app, deps);
}
