import {
  ApiError,
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  unavailable,
  z,
} from '@mp/platform';
import type { AuthContext } from '../context.ts';
import { accountById } from '../domain/accounts.ts';
import * as twoFactor from '../domain/two-factor.ts';
import { otp } from './schemas.ts';

const otpBody = { body: jsonBody(z.object({ otp })) };
const codes = z.object({ recoveryCodes: z.array(z.string()) });

const status = createRoute({
  method: 'get',
  path: '/api/v1/auth/2fa',
  summary: 'Whether two-factor sign-in is on, and how many recovery codes are left',
  middleware: [requireRole()] as const,
  responses: {
    200: jsonResponse(
      z.object({
        enabled: z.boolean(),
        enabledAt: z.string().nullable(),
        pendingSetup: z.boolean(),
        recoveryCodesLeft: z.int(),
      }),
      'Status',
    ),
    ...problems(401),
  },
});
const setup = createRoute({
  method: 'post',
  path: '/api/v1/auth/2fa/setup',
  summary: 'Start two-factor sign-in: a TOTP secret and its otpauth:// URL (for a QR code)',
  middleware: [requireRole()] as const,
  responses: {
    200: jsonResponse(
      z.object({ secret: z.string(), otpauthUrl: z.string() }),
      'The secret, not yet in force',
    ),
    ...problems(401, 409, 503),
  },
});
const enable = createRoute({
  method: 'post',
  path: '/api/v1/auth/2fa/enable',
  summary: 'Turn two-factor sign-in on with a code from the new secret; answers the recovery codes once',
  middleware: [requireRole()] as const,
  request: otpBody,
  responses: {
    200: jsonResponse(codes.extend({ enabled: z.literal(true) }), 'On'),
    ...problems(400, 401, 409, 422, 429),
  },
});
const disable = createRoute({
  method: 'post',
  path: '/api/v1/auth/2fa/disable',
  summary: 'Turn two-factor sign-in off with a valid code (authenticator or recovery)',
  middleware: [requireRole()] as const,
  request: otpBody,
  responses: {
    200: jsonResponse(z.object({ enabled: z.literal(false) }), 'Off'),
    ...problems(400, 401, 409, 422, 429),
  },
});
const regenerate = createRoute({
  method: 'post',
  path: '/api/v1/auth/2fa/recovery-codes',
  summary: 'New recovery codes (the old ones stop working), with a valid code',
  middleware: [requireRole()] as const,
  request: otpBody,
  responses: { 200: jsonResponse(codes, 'The new codes, shown once'), ...problems(400, 401, 409, 422, 429) },
});

export function twoFactorRoutes(app: App, ctx: AuthContext) {
  const { deps, kek, throttle } = ctx;
  const { db } = deps;

  /** Code checks of a signed-in account are throttled like sign-ins. */
  const withCode = async <T>(userId: string, fn: () => Promise<T>): Promise<T> => {
    return throttle.guard(
      [ctx.userKey(userId)],
      fn,
      (err) => err instanceof ApiError && err.code === 'OTP_INVALID',
    );
  };

  app.openapi(status, async (c) => c.json(await twoFactor.status(db, principalOf(c).userId), 200));

  app.openapi(setup, async (c) => {
    const { userId } = principalOf(c);
    const account = await accountById(deps.dapr, userId);
    if (!account) throw unavailable('ACCOUNT_UNKNOWN', 'The account could not be read');
    return c.json(await twoFactor.setup(db, kek, userId, account.email, deps.config.TOTP_ISSUER), 200);
  });

  app.openapi(enable, async (c) => {
    const { userId } = principalOf(c);
    const recoveryCodes = await withCode(userId, () =>
      twoFactor.enable(db, kek, userId, c.req.valid('json').otp),
    );
    return c.json({ enabled: true as const, recoveryCodes }, 200);
  });

  app.openapi(disable, async (c) => {
    const { userId } = principalOf(c);
    await withCode(userId, () => twoFactor.disable(db, kek, userId, c.req.valid('json').otp));
    return c.json({ enabled: false as const }, 200);
  });

  app.openapi(regenerate, async (c) => {
    const { userId } = principalOf(c);
    const recoveryCodes = await withCode(userId, () =>
      twoFactor.regenerateRecoveryCodes(db, kek, userId, c.req.valid('json').otp),
    );
    return c.json({ recoveryCodes }, 200);
  });
}
