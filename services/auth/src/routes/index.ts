import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { KeyRing } from '../domain/keys.ts';
import type { TokenSettings } from '../domain/tokens.ts';
import { jwksRoutes } from './jwks.ts';
import { loginRoutes } from './login.ts';

/** The public routes of the auth service. */
export function routes(app: App, deps: ServiceDeps<Database>, ring: KeyRing, settings: TokenSettings): void {
  jwksRoutes(app, ring);
  loginRoutes(app, deps, ring, settings);
}
