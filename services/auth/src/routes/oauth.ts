import {
  type App,
  badRequest,
  createRoute,
  forbidden,
  jsonResponse,
  problems,
  unauthorized,
  unprocessable,
  z,
} from '@mp/platform';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AuthContext } from '../context.ts';
import { accountById, accountForIdentity } from '../domain/accounts.ts';
import { randomToken, seal, sha256, unseal } from '../domain/sealing.ts';
import { forgetSessions, revokeSessions, startSession } from '../domain/sessions.ts';
import { issueTicket } from '../domain/tickets.ts';
import { erase as eraseTwoFactor, isTwoFactorOn } from '../domain/two-factor.ts';
import { pairOf, tokenPair } from './schemas.ts';

const FLOW_TTL_MS = 10 * 60_000;
const COOKIE = 'mp_oidc_browser';
const provider = z.object({ provider: z.string().regex(/^[a-z0-9-]{1,30}$/) });

const providers = createRoute({
  method: 'get',
  path: '/api/v1/auth/oauth/providers',
  summary: 'The social sign-in providers this deployment offers',
  responses: { 200: jsonResponse(z.object({ items: z.array(z.object({ name: z.string() })) }), 'Providers') },
});

const authorize = createRoute({
  method: 'get',
  path: '/api/v1/auth/oauth/{provider}/authorize',
  summary: 'Start social sign-in: redirects to the provider (or answers the URL to JSON clients)',
  description:
    'OpenID Connect authorization code flow with PKCE (S256), state and nonce; the browser is bound by a cookie.',
  request: {
    params: provider,
    // Passed on as OIDC's login_hint (the account to suggest).
    query: z.object({ loginHint: z.string().max(254).optional() }),
  },
  responses: {
    302: { description: 'To the provider' },
    200: jsonResponse(
      z.object({ authorizationUrl: z.string() }),
      'The provider URL (Accept: application/json)',
    ),
    ...problems(404, 503),
  },
});

const callback = createRoute({
  method: 'get',
  path: '/api/v1/auth/oauth/{provider}/callback',
  summary: 'Where the provider sends the browser back; answers the tokens of a new session',
  request: {
    params: provider,
    query: z.object({
      state: z.string().max(200).optional(),
      code: z.string().max(2000).optional(),
      error: z.string().max(200).optional(),
      error_description: z.string().max(2000).optional(),
      iss: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: jsonResponse(tokenPair, 'Tokens for a new session'),
    ...problems(400, 401, 403, 404, 409, 422, 503),
  },
});

export function oauthRoutes(app: App, ctx: AuthContext) {
  const { deps, oidc, kek, ring, settings } = ctx;
  const { db, dapr } = deps;
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const redirectUri = (name: string) => `${base}/api/v1/auth/oauth/${name}/callback`;
  const cookiePath = '/api/v1/auth/oauth';
  const secure = base.startsWith('https://');

  app.openapi(providers, (c) => c.json({ items: [...oidc.providers.keys()].map((name) => ({ name })) }, 200));

  app.openapi(authorize, async (c) => {
    const { provider: name } = c.req.valid('param');
    oidc.spec(name);
    const checks = { state: randomToken(32), nonce: randomToken(32), codeVerifier: randomToken(48) };
    const browser = randomToken(32);
    const { loginHint } = c.req.valid('query');
    const url = await oidc.authorizationUrl(name, redirectUri(name), checks, loginHint);
    await db
      .insertInto('oidc_flows')
      .values({
        state_hash: sha256(checks.state),
        provider: name,
        code_verifier_sealed: seal(kek, checks.codeVerifier),
        nonce: checks.nonce,
        browser_hash: sha256(browser),
        expires_at: new Date(Date.now() + FLOW_TTL_MS),
      })
      .execute();
    await db.deleteFrom('oidc_flows').where('expires_at', '<', new Date()).execute();
    setCookie(c, COOKIE, browser, {
      path: cookiePath,
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      maxAge: FLOW_TTL_MS / 1000,
    });
    if (c.req.header('accept')?.includes('application/json'))
      return c.json({ authorizationUrl: url.href }, 200);
    return c.redirect(url.href, 302);
  });

  app.openapi(callback, async (c) => {
    const { provider: name } = c.req.valid('param');
    const q = c.req.valid('query');
    oidc.spec(name);
    const invalidState = () =>
      badRequest('OIDC_STATE_INVALID', 'This sign-in was not started here, or has expired; start again');
    if (!q.state) throw invalidState();
    // Single use: the flow is taken out whatever happens next.
    const flow = await db
      .deleteFrom('oidc_flows')
      .where('state_hash', '=', sha256(q.state))
      .returningAll()
      .executeTakeFirst();
    const browser = getCookie(c, COOKIE);
    deleteCookie(c, COOKIE, { path: cookiePath });
    if (!flow || flow.provider !== name || flow.expires_at.getTime() <= Date.now()) throw invalidState();
    // The browser that finishes must be the one that started (no login CSRF).
    if (!browser || sha256(browser) !== flow.browser_hash) throw invalidState();

    // The callback URL as the provider built it: our public base, not the Host the gateway passed on.
    const callbackUrl = new URL(`${redirectUri(name)}?${new URL(c.req.url).searchParams}`);
    const who = await oidc.identify(name, callbackUrl, {
      state: q.state,
      nonce: flow.nonce,
      codeVerifier: unseal(kek, flow.code_verifier_sealed),
    });

    const linked = await db
      .selectFrom('external_identities')
      .select('user_id')
      .where('provider', '=', name)
      .where('subject', '=', who.subject)
      .executeTakeFirst();
    let account = linked ? await accountById(dapr, linked.user_id) : undefined;
    if (!account) {
      if (!who.email)
        throw unprocessable(
          'OIDC_EMAIL_REQUIRED',
          `${name} did not share an email address; allow it and try again`,
        );
      const found = await accountForIdentity(dapr, {
        email: who.email,
        emailVerified: who.emailVerified,
        name: (who.name ?? who.email.split('@')[0]!).slice(0, 50),
      });
      account = found;
      if (found.takenOver) {
        // A password account nobody had verified, taken by the email's proven owner: whoever
        // registered it before (pre-account takeover) loses every session, second factor and reset.
        const ended = await db.transaction().execute(async (trx) => {
          const ended = await revokeSessions(trx, deps.events, { userId: found.userId }, 'revoked');
          await eraseTwoFactor(trx, found.userId);
          await trx.deleteFrom('password_resets').where('user_id', '=', found.userId).execute();
          return ended;
        });
        await forgetSessions(dapr, deps.log, ended);
        deps.log.warn(
          { userId: account.userId, provider: name },
          'unverified account taken by its email owner',
        );
      }
      await db
        .insertInto('external_identities')
        .values({
          provider: name,
          subject: who.subject,
          user_id: account.userId,
          email: who.email,
          last_login_at: null,
        })
        .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
        .execute();
    }
    if (account.status !== 'ACTIVE') throw forbidden('ACCOUNT_SUSPENDED', 'This account is suspended');
    await db
      .updateTable('external_identities')
      .set({ last_login_at: new Date() })
      .where('provider', '=', name)
      .where('subject', '=', who.subject)
      .execute();
    if (await isTwoFactorOn(db, account.userId)) {
      const loginTicket = await issueTicket(db, { userId: account.userId, method: 'oidc', provider: name });
      throw unauthorized('OTP_REQUIRED', 'This account needs the code from its authenticator app', {
        loginTicket,
      });
    }
    const pair = await startSession(deps, ring, settings, {
      userId: account.userId,
      role: account.role,
      method: 'oidc',
      provider: name,
      ip: ctx.clientIp(c),
      userAgent: c.req.header('user-agent'),
    });
    return c.json(pairOf(pair), 200);
  });
}
