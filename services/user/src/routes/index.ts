import type { App } from '@mp/platform';
import type { UserContext } from '../config.ts';
import { addressRoutes } from './addresses.ts';
import { meRoutes } from './me.ts';
import { savedListRoutes } from './saved-lists.ts';
import { signupRoutes } from './signup.ts';

/** The public routes of the user service. */
export function routes(app: App, deps: UserContext): void {
  signupRoutes(app, deps);
  meRoutes(app, deps);
  addressRoutes(app, deps);
  savedListRoutes(app, deps);
}
