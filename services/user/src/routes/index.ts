import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { signupRoutes } from './signup.ts';

/** The public routes of the user service. */
export function routes(app: App, deps: ServiceDeps<Database>): void {
  signupRoutes(app, deps);
}
