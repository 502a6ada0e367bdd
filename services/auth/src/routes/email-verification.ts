import {
  type App,
  conflict,
  createRoute,
  jsonBody,
  principalOf,
  problems,
  requireRole,
  tooManyRequests,
  unauthorized,
  z,
} from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { accountById } from '../domain/accounts.ts';
import { confirmVerification, openVerification } from '../domain/email-verification.ts';

const resend = createRoute({
  method: 'post',
  path: '/api/v1/auth/email-verification',
  summary: 'Mail me a new email verification link (the earlier one stops working)',
  middleware: [requireRole()] as const,
  responses: { 202: { description: 'Mailed' }, ...problems(401, 409, 429, 503) },
});

const confirm = createRoute({
  method: 'post',
  path: '/api/v1/auth/email-verification/confirm',
  summary: 'Prove the account owns its email with the token from the link',
  request: { body: jsonBody(z.object({ token: z.string().min(1).max(200) })) },
  responses: { 204: { description: 'Email verified' }, ...problems(400, 503) },
});

export function emailVerificationRoutes(app: App, ctx: AuthContext) {
  const { deps, throttle, kek } = ctx;
  const windowMs = deps.config.LOGIN_WINDOW_SECONDS * 1000;

  app.openapi(resend, async (c) => {
    const { userId } = principalOf(c);
    const account = await accountById(deps.dapr, userId);
    if (account?.status !== 'ACTIVE') throw unauthorized('UNAUTHENTICATED', 'This account may not sign in');
    if (account.emailVerified) throw conflict('EMAIL_ALREADY_VERIFIED', 'This email is verified already');
    const under = await throttle.countAndCheck(
      `verify:${userId}`,
      deps.config.EMAIL_VERIFICATION_MAX_PER_WINDOW,
      windowMs,
    );
    if (!under) throw tooManyRequests('TOO_MANY_REQUESTS', 'Too many verification links; try again later');
    await deps.db.transaction().execute((trx) => openVerification(trx, deps, kek, account));
    return c.body(null, 202);
  });

  app.openapi(confirm, async (c) => {
    await confirmVerification(deps, c.req.valid('json').token);
    return c.body(null, 204);
  });
}
