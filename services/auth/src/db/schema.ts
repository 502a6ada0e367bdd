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

/** users_db.refresh_tokens (seed 1.1): opaque tokens, stored only as SHA-256. */
export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  user_id: string;
  /** Set when the token was exchanged; presenting it again revokes the session. */
  used_at: Date | null;
  expires_at: Date;
  created_at: Generated<Date>;
}

export interface Database extends PlatformTables {
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
}
