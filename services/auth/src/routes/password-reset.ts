import { type App, createRoute, jsonBody, jsonResponse, problems, z } from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { confirmReset, requestReset } from '../domain/password-reset.ts';

const request = createRoute({
  method: 'post',
  path: '/api/v1/auth/password-reset',
  summary: 'Ask for a password reset link by email',
  description: 'Always 202, whether or not an account uses the email; the link is mailed when one does.',
  request: { body: jsonBody(z.object({ email: z.string().trim().min(1).max(254) })) },
  responses: {
    202: jsonResponse(z.object({ status: z.literal('accepted') }), 'Accepted'),
    ...problems(400, 503),
  },
});

const confirm = createRoute({
  method: 'post',
  path: '/api/v1/auth/password-reset/confirm',
  summary: 'Set a new password with the token from the link; every session of the account ends',
  request: {
    body: jsonBody(
      z.object({
        token: z.string().min(1).max(200),
        newPassword: z.string().min(8, 'at least 8 characters').max(128),
      }),
    ),
  },
  responses: { 204: { description: 'Password set' }, ...problems(400, 503) },
});

export function passwordResetRoutes(app: App, ctx: AuthContext) {
  const { deps, throttle } = ctx;
  const windowMs = deps.config.LOGIN_WINDOW_SECONDS * 1000;

  app.openapi(request, async (c) => {
    const { email } = c.req.valid('json');
    const ip = ctx.clientIp(c);
    const [account] = ctx.loginKeys(email, undefined);
    // Too many requests for one email or one address send no more mail; the answer does not change.
    const underLimit =
      (await throttle.countAndCheck(
        `reset:${account!.key}`,
        deps.config.PASSWORD_RESET_MAX_PER_WINDOW,
        windowMs,
      )) &&
      (!ip || (await throttle.countAndCheck(`reset:ip:${ip}`, deps.config.LOGIN_IP_BLOCK_AFTER, windowMs)));
    if (underLimit) await requestReset(deps, ctx.kek, email);
    else deps.log.warn({ ip }, 'password reset requests over the limit; no mail sent');
    return c.json({ status: 'accepted' as const }, 202);
  });

  app.openapi(confirm, async (c) => {
    const { token, newPassword } = c.req.valid('json');
    const { email } = await confirmReset(deps, token, newPassword);
    // A locked-out account that proved it owns its mailbox may sign in again at once.
    await throttle.clear(ctx.loginKeys(email, undefined)[0]!.key);
    return c.body(null, 204);
  });
}
