import {
  ApiError,
  type App,
  createRoute,
  forbidden,
  jsonBody,
  jsonResponse,
  problems,
  type Role,
  unauthorized,
  z,
} from '@mp/platform';
import type { Context } from 'hono';
import type { AuthContext } from '../context.ts';
import { accountById, verifyCredentials } from '../domain/accounts.ts';
import { startSession } from '../domain/sessions.ts';
import { issueTicket, redeemTicket } from '../domain/tickets.ts';
import { isTwoFactorOn, spendSecondFactor } from '../domain/two-factor.ts';
import { otp, pairOf, tokenPair } from './schemas.ts';

const login = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  summary: 'Sign in with email and password (and the authenticator code when 2FA is on)',
  description:
    'Repeated failures for one account or one client address are slowed down and then refused with 429 and Retry-After. ' +
    'With 2FA on and no or a wrong `otp`: 401 OTP_REQUIRED (with a `loginTicket` for POST /api/v1/auth/login/otp) or OTP_INVALID.',
  request: {
    body: jsonBody(
      z.object({
        email: z.string().trim().min(1).max(254),
        password: z.string().min(1).max(128),
        otp: otp.optional(),
      }),
    ),
  },
  responses: {
    200: jsonResponse(tokenPair, 'Tokens for a new session'),
    ...problems(400, 401, 403, 429, 503),
  },
});

const loginOtp = createRoute({
  method: 'post',
  path: '/api/v1/auth/login/otp',
  summary: 'Finish a sign-in that needs the second factor, with the ticket its first step gave',
  request: { body: jsonBody(z.object({ loginTicket: z.string().min(1).max(100), otp })) },
  responses: { 200: jsonResponse(tokenPair, 'Tokens for a new session'), ...problems(400, 401, 403, 429) },
});

const otpRequired = (loginTicket: string) =>
  unauthorized('OTP_REQUIRED', 'This account needs the code from its authenticator app', { loginTicket });
const otpInvalid = () => unauthorized('OTP_INVALID', 'The code is not valid');
const suspended = () => forbidden('ACCOUNT_SUSPENDED', 'This account is suspended');

export function loginRoutes(app: App, ctx: AuthContext) {
  const { deps, kek, throttle, ring, settings } = ctx;
  const { db, dapr } = deps;
  const client = (c: Context) => ({
    ip: ctx.clientIp(c),
    userAgent: c.req.header('user-agent'),
  });

  app.openapi(login, async (c) => {
    const { email, password, otp: code } = c.req.valid('json');
    const { ip, userAgent } = client(c);
    const keys = ctx.loginKeys(email, ip);
    // Counted before the password is checked, so a parallel burst cannot pass the limit.
    await throttle.attempt(keys);
    let who: { userId: string; role: Role; status: string };
    try {
      who = await verifyCredentials(dapr, email, password);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'INVALID_CREDENTIALS')) await throttle.refund(keys);
      throw err;
    }
    // The password was right: what follows gives the attempt back, unless the second factor is wrong.
    if (who.status !== 'ACTIVE') {
      await throttle.refund(keys);
      throw suspended();
    }
    if (await isTwoFactorOn(db, who.userId)) {
      if (!code) {
        await throttle.refund(keys);
        throw otpRequired(await issueTicket(db, { userId: who.userId, method: 'password' }));
      }
      if (!(await spendSecondFactor(db, kek, who.userId, code))) throw otpInvalid();
    }
    await throttle.clear(keys[0]!.key);
    await throttle.refund(keys.slice(1));
    const pair = await startSession(deps, ring, settings, {
      userId: who.userId,
      role: who.role,
      method: 'password',
      ip,
      userAgent,
    });
    return c.json(pairOf(pair), 200);
  });

  app.openapi(loginOtp, async (c) => {
    const { loginTicket, otp: code } = c.req.valid('json');
    const { ip, userAgent } = client(c);
    const redeem = await redeemTicket(db, loginTicket);
    if (!redeem) throw unauthorized('LOGIN_TICKET_INVALID', 'This sign-in has expired; start again');
    const key = ctx.userKey(redeem.ticket.user_id);
    await throttle.attempt([key]);
    if (!(await spendSecondFactor(db, kek, redeem.ticket.user_id, code))) throw otpInvalid();
    const ticket = await redeem.spend();
    if (!ticket) throw unauthorized('LOGIN_TICKET_INVALID', 'This sign-in has expired; start again');
    const account = await accountById(dapr, ticket.user_id);
    if (account?.status !== 'ACTIVE') throw suspended();
    await throttle.clear(key.key);
    const pair = await startSession(deps, ring, settings, {
      userId: account.userId,
      role: account.role,
      method: ticket.method,
      provider: ticket.provider ?? undefined,
      ip,
      userAgent,
    });
    return c.json(pairOf(pair), 200);
  });
}
