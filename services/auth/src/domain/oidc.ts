import { type Logger, notFound, unauthorized, unavailable } from '@mp/platform';
import * as client from 'openid-client';
import type { AuthConfig } from '../config.ts';

/** What differs between providers; everything else comes from their discovery documents. */
interface Preset {
  issuer: string;
  scopes: string;
  /** How the client authenticates at the token endpoint. */
  auth: 'client_secret_post' | 'client_secret_basic';
}

/**
 * Kakao (카카오 로그인, OpenID Connect) and Google. The issuer can be overridden (a local sandbox in
 * development and tests); the rest of the protocol is discovered.
 */
export const presets: Record<string, Preset> = {
  kakao: {
    issuer: 'https://kauth.kakao.com',
    scopes: 'openid profile_nickname account_email',
    auth: 'client_secret_post',
  },
  google: {
    issuer: 'https://accounts.google.com',
    scopes: 'openid email profile',
    auth: 'client_secret_basic',
  },
};

export interface ProviderSpec extends Preset {
  name: string;
  clientId: string;
  clientSecret: string;
}

/** The providers this deployment has credentials for. */
export function providersFrom(c: AuthConfig): Map<string, ProviderSpec> {
  const out = new Map<string, ProviderSpec>();
  const env = c as unknown as Record<string, string | undefined>;
  for (const [name, preset] of Object.entries(presets)) {
    const up = name.toUpperCase();
    const clientId = env[`OIDC_${up}_CLIENT_ID`];
    if (!clientId) continue;
    out.set(name, {
      name,
      clientId,
      clientSecret: env[`OIDC_${up}_CLIENT_SECRET`] ?? '',
      issuer: env[`OIDC_${up}_ISSUER`] ?? preset.issuer,
      scopes: env[`OIDC_${up}_SCOPES`] ?? preset.scopes,
      auth: preset.auth,
    });
  }
  return out;
}

/** Who the provider says signed in, from the verified ID token. */
export interface Identity {
  provider: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

/**
 * The relying party: discovery (cached; retried after a failure), the authorization URL with PKCE
 * (S256), state and nonce, and the code exchange, which checks state, issuer, the ID token's
 * signature, audience, expiry and nonce (openid-client does the checks).
 */
export class OidcClients {
  private readonly configs = new Map<string, Promise<client.Configuration>>();
  readonly providers: Map<string, ProviderSpec>;
  private readonly allowHttp: boolean;
  private readonly log: Logger;

  constructor(providers: Map<string, ProviderSpec>, allowHttp: boolean, log: Logger) {
    this.providers = providers;
    this.allowHttp = allowHttp;
    this.log = log;
  }

  spec(name: string): ProviderSpec {
    const spec = this.providers.get(name);
    if (!spec) throw notFound('PROVIDER_NOT_FOUND', `No sign-in provider named ${name}`);
    return spec;
  }

  private config(name: string): Promise<client.Configuration> {
    let config = this.configs.get(name);
    if (!config) {
      const spec = this.spec(name);
      const auth =
        spec.auth === 'client_secret_post'
          ? client.ClientSecretPost(spec.clientSecret)
          : client.ClientSecretBasic(spec.clientSecret);
      config = client
        .discovery(new URL(spec.issuer), spec.clientId, undefined, auth, {
          ...(this.allowHttp ? { execute: [client.allowInsecureRequests] } : {}),
          timeout: 5,
        })
        .catch((err) => {
          this.configs.delete(name);
          this.log.warn({ err: String(err), provider: name }, 'OIDC discovery failed');
          throw unavailable('PROVIDER_UNAVAILABLE', `${name} could not be reached`);
        });
      this.configs.set(name, config);
    }
    return config;
  }

  async authorizationUrl(
    name: string,
    redirectUri: string,
    checks: { state: string; nonce: string; codeVerifier: string },
    loginHint?: string,
  ) {
    const config = await this.config(name);
    return client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.spec(name).scopes,
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
  }

  /** Exchanges the code from the callback URL; any failed check is a 401 naming what failed. */
  async identify(
    name: string,
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Identity> {
    const config = await this.config(name);
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      this.log.warn({ err: String(err), provider: name }, 'OIDC code exchange refused');
      if (err instanceof client.AuthorizationResponseError)
        throw unauthorized('OIDC_DENIED', `${name} did not authorize the sign-in (${err.error})`);
      throw unauthorized('OIDC_FAILED', `The sign-in with ${name} could not be verified`);
    }
    if (!claims) throw unauthorized('OIDC_FAILED', `${name} sent no ID token`);
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return {
      provider: name,
      subject: claims.sub,
      email: str(claims.email),
      emailVerified: claims.email_verified === true,
      // Google: name; Kakao: nickname.
      name: str(claims.name) ?? str(claims.nickname),
    };
  }
}
