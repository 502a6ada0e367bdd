import type { Generated, PlatformTables } from '@mp/platform';

/** ES256 signing keys; the private half is sealed with the key-encryption key (AES-256-GCM). */
export interface SigningKeysTable {
  kid: string;
  public_jwk: unknown;
  sealed_private_jwk: string;
  created_at: Generated<Date>;
  /** When it stopped signing; published until every token it signed has expired. */
  retired_at: Date | null;
}

/** users_db.refresh_tokens: opaque tokens, stored only as SHA-256; one family per session. */
export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  user_id: string;
  /** Set when the token was exchanged; presenting it again revokes the session. */
  used_at: Date | null;
  expires_at: Date;
  created_at: Generated<Date>;
}

export type SessionMethod = 'password' | 'oidc';
export type RevokeReason =
  | 'logout'
  | 'revoked'
  | 'refresh_reuse'
  | 'password_reset'
  | 'password_changed'
  | 'suspended'
  | 'deleted';

/** The session ledger (which sessions exist and which ended); details are in the `sessions` state store. */
export interface SessionsTable {
  session_id: string;
  user_id: string;
  method: SessionMethod;
  provider: string | null;
  created_at: Generated<Date>;
  /** Slides with each refresh. */
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: RevokeReason | null;
}

/** TOTP (RFC 6238): the secret sealed at rest; `pending` between setup and enable. */
export interface TwoFactorTable {
  user_id: string;
  secret_sealed: string | null;
  pending_secret_sealed: string | null;
  enabled_at: Date | null;
  last_time_step: Generated<number>;
  updated_at: Generated<Date>;
}

/** Single-use recovery codes, kept as keyed hashes. */
export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Date | null;
}

/** Single-use, expiring password reset tokens (SHA-256; sealed for notification until spent). */
export interface PasswordResetsTable {
  token_hash: string;
  /** What `auth.password.reset` names instead of the token. */
  reset_id: string | null;
  token_sealed: string | null;
  user_id: string;
  email: string;
  created_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
}

/** Single-use, expiring email verification links (SHA-256; sealed for notification until spent). */
export interface EmailVerificationsTable {
  /** What `auth.email.verification` names instead of the token. */
  verification_id: string;
  token_hash: string;
  token_sealed: string | null;
  user_id: string;
  email: string;
  created_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
}

export interface OidcFlowsTable {
  state_hash: string;
  provider: string;
  code_verifier_sealed: string;
  nonce: string;
  browser_hash: string;
  expires_at: Date;
}

/** Which provider account (`sub`) signs in as which user. */
export interface ExternalIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: Generated<Date>;
  last_login_at: Date | null;
}

export interface LoginTicketsTable {
  ticket_hash: string;
  user_id: string;
  method: SessionMethod;
  provider: string | null;
  expires_at: Date;
}

export interface Database extends PlatformTables {
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
  sessions: SessionsTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodesTable;
  password_resets: PasswordResetsTable;
  email_verifications: EmailVerificationsTable;
  oidc_flows: OidcFlowsTable;
  external_identities: ExternalIdentitiesTable;
  login_tickets: LoginTicketsTable;
}
