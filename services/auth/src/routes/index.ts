import type { App } from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { emailVerificationRoutes } from './email-verification.ts';
import { jwksRoutes } from './jwks.ts';
import { loginRoutes } from './login.ts';
import { oauthRoutes } from './oauth.ts';
import { passwordResetRoutes } from './password-reset.ts';
import { sessionRoutes } from './sessions.ts';
import { tokenRoutes } from './tokens.ts';
import { twoFactorRoutes } from './two-factor.ts';

/** The public routes of the auth service. */
export function routes(app: App, ctx: AuthContext): void {
  jwksRoutes(app, ctx.ring);
  loginRoutes(app, ctx);
  tokenRoutes(app, ctx);
  sessionRoutes(app, ctx);
  twoFactorRoutes(app, ctx);
  passwordResetRoutes(app, ctx);
  emailVerificationRoutes(app, ctx);
  oauthRoutes(app, ctx);
}
