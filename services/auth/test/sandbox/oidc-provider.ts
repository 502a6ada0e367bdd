/**
 * A local OpenID Connect provider for development and tests: the real `oidc-provider` (certified
 * OP) speaking the protocol Kakao and Google speak, with a headless sign-in so flows run without a
 * person. Dev/test only; never deployed.
 *
 * Who signs in is the `login_hint` of the authorization request (or what the form posts):
 *   - any email signs in as that account, email verified;
 *   - `deny…@…`        → the user refuses (error=access_denied back to the client);
 *   - `unverified…@…`  → email_verified is false;
 *   - `noemail…@…`     → no email claim at all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface SandboxClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  token_endpoint_auth_method: 'client_secret_post' | 'client_secret_basic';
}

export interface OidcSandbox {
  issuer: string;
  server: Server;
  close(): Promise<void>;
}

interface Profile {
  email?: string;
  email_verified?: boolean;
  name: string;
  nickname: string;
}

const subjectOf = (email: string) =>
  createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24);

function profileFor(hint: string): Profile {
  const email = hint.trim().toLowerCase();
  const local = email.split('@')[0] ?? email;
  return {
    ...(local.startsWith('noemail') ? {} : { email, email_verified: !local.startsWith('unverified') }),
    name: local,
    nickname: local,
  };
}

const form = (uid: string) => `<!doctype html><meta charset="utf-8"><title>Sandbox sign-in</title>
<h1>OIDC sandbox</h1><form method="post" action="/interaction/${uid}">
<label>Email <input name="email" type="email" required></label> <button>Sign in</button></form>`;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The clients the local stack and the tests register: one per preset, as its auth service is configured. */
export const sandboxClients = (callbackBase: string) =>
  (['kakao', 'google'] as const).map((name) => ({
    client_id: `${name}-local`,
    client_secret: `${name}-local-sandbox-secret`,
    redirect_uris: [`${callbackBase}/api/v1/auth/oauth/${name}/callback`],
    token_endpoint_auth_method:
      name === 'kakao' ? ('client_secret_post' as const) : ('client_secret_basic' as const),
  }));

/** The provider's storage: one process, in memory (the sandbox keeps nothing across restarts). */
const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
class MemoryAdapter {
  private readonly model: string;
  constructor(model: string) {
    this.model = model;
  }
  private key(id: string) {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
    store.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
    if (payload.grantId)
      store.set(`grant:${payload.grantId}:${this.key(id)}`, {
        payload: { id: this.key(id) },
        expiresAt: Date.now() + expiresIn * 1000,
      });
    if (payload.uid)
      store.set(`uid:${payload.uid}`, { payload: { id }, expiresAt: Date.now() + expiresIn * 1000 });
  }
  async find(id: string) {
    const e = store.get(this.key(id));
    return e && e.expiresAt > Date.now() ? e.payload : undefined;
  }
  async findByUid(uid: string) {
    const ref = store.get(`uid:${uid}`);
    return ref ? this.find(String(ref.payload.id)) : undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id: string) {
    const e = store.get(this.key(id));
    if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const [k, v] of store) {
      if (k.startsWith(`grant:${grantId}:`)) {
        store.delete(String(v.payload.id));
        store.delete(k);
      }
    }
  }
}

/** Starts the provider on `port` (0 = any) of 127.0.0.1. */
export async function startOidcSandbox(o: { port?: number; clients: SandboxClient[] }): Promise<OidcSandbox> {
  const profiles = new Map<string, Profile>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'sandbox', alg: 'RS256', use: 'sig' };

  const server = createServer();
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: o.clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'] })),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    // Kakao's scopes beside the standard ones.
    scopes: ['openid', 'email', 'profile', 'profile_nickname', 'account_email'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      account_email: ['email', 'email_verified'],
      profile: ['name', 'nickname'],
      profile_nickname: ['nickname'],
    },
    // Put the scoped claims in the ID token, as Kakao and Google do.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => {
      const profile = profiles.get(sub);
      if (!profile) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...profile }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    adapter: MemoryAdapter,
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc sandbox error', err));

  const finish = async (req: IncomingMessage, res: ServerResponse, hint: string) => {
    const details = await provider.interactionDetails(req, res);
    if (hint.toLowerCase().startsWith('deny')) {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user did not allow the sign-in' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = subjectOf(hint);
    profiles.set(accountId, profileFor(hint));
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };

  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const uid = /^\/interaction\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (!uid) {
      callback(req, res);
      return;
    }
    (async () => {
      if (req.method === 'POST') return finish(req, res, (await readForm(req)).get('email') ?? '');
      const details = await provider.interactionDetails(req, res);
      const hint = details.params.login_hint;
      if (typeof hint === 'string' && hint) return finish(req, res, hint);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(form(uid));
    })().catch((err) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
    });
  });

  return {
    issuer,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A minimal browser for tests: follows redirects by hand, keeping cookies per host, until the
 * next location starts with `stopAt` (the client's callback), which it returns.
 */
export async function browseUntil(
  start: string,
  stopAt: string,
  jar = new Map<string, Map<string, string>>(),
) {
  let url = start;
  for (let hops = 0; hops < 10; hops++) {
    if (url.startsWith(stopAt)) return url;
    const host = new URL(url).host;
    const cookies = jar.get(host) ?? new Map<string, string>();
    jar.set(host, cookies);
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`${url} answered ${res.status} without a redirect: ${await res.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
