import { ACCESS_TOKEN_TYPE, type Principal } from '@mp/platform';
import { SignJWT } from 'jose';
import type { KeyRing } from './keys.ts';
import { randomToken, sha256 } from './sealing.ts';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long a session may last from its sign-in, however often it is refreshed. */
  maxSessionSeconds: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/**
 * A short-lived ES256 access token carrying the user id (`sub`), role, session id (`sid`) and when
 * the session's sign-in happened (`auth_time`, OIDC's claim), which re-authentication checks.
 */
export async function issueAccessToken(
  ring: KeyRing,
  s: TokenSettings,
  p: Principal & { signedInAt: Date },
): Promise<string> {
  const signer = await ring.current();
  return new SignJWT({ role: p.role, sid: p.sessionId, auth_time: Math.floor(p.signedInAt.getTime() / 1000) })
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(p.userId)
    .setIssuer(s.issuer)
    .setAudience(s.audience)
    .setIssuedAt()
    .setJti(randomToken(12))
    .setExpirationTime(`${s.accessTtlSeconds}s`)
    .sign(signer.key);
}

/** An opaque refresh token (256 random bits); only its SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomToken(32);
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = sha256;
