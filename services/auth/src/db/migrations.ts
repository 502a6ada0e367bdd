import { type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_keys_and_refresh_tokens': {
    async up(db) {
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
        .addColumn('sealed_private_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('retired_at', 'timestamptz')
        .execute();
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('refresh_tokens_session')
        .on('refresh_tokens')
        .column('session_id')
        .execute();
    },
  },
  '0002_sessions_2fa_resets_oidc': {
    async up(db) {
      // The session ledger: which sessions exist and which have ended. Details (device, last seen)
      // live in the `sessions` state store; revocation is decided here, in the same transaction
      // as its event.
      await db.schema
        .createTable('sessions')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('revoke_reason', 'text')
        .execute();
      await sql`create index sessions_live_of_user on sessions (user_id) where revoked_at is null`.execute(
        db,
      );
      await sql`create index sessions_revoked_recently on sessions (revoked_at) where revoked_at is not null`.execute(
        db,
      );
      await db.schema
        .createTable('two_factor')
        .addColumn('user_id', 'uuid', (c) => c.primaryKey())
        .addColumn('secret_sealed', 'text')
        .addColumn('pending_secret_sealed', 'text')
        .addColumn('enabled_at', 'timestamptz')
        // The last TOTP time step accepted: a code is good once.
        .addColumn('last_time_step', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
        .execute();
      await db.schema
        .createTable('password_resets')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .execute();
      await sql`create index password_resets_open on password_resets (user_id) where used_at is null`.execute(
        db,
      );
      // An OIDC authorization in flight: PKCE verifier, nonce, and the browser it belongs to.
      await db.schema
        .createTable('oidc_flows')
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('code_verifier_sealed', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('browser_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('external_identities')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_login_at', 'timestamptz')
        .addPrimaryKeyConstraint('external_identities_pk', ['provider', 'subject'])
        .execute();
      await sql`create index external_identities_of_user on external_identities (user_id)`.execute(db);
      // A sign-in that passed its first factor and waits for the second (social login with 2FA).
      await db.schema
        .createTable('login_tickets')
        .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '0003_reset_tokens_stay_in_auth': {
    async up(db) {
      // The reset token no longer travels in the event: notification fetches it by `reset_id` while
      // the reset is open; it is kept sealed with the key-encryption key and wiped once spent.
      await db.schema
        .alterTable('password_resets')
        .addColumn('reset_id', 'text', (c) => c.unique())
        .addColumn('token_sealed', 'text')
        .execute();
    },
  },
  '0004_email_verifications': {
    async up(db) {
      // Links that prove an account owns its email: the token's SHA-256 to check it, the token
      // sealed for notification to fetch by `verification_id` while open, wiped once spent.
      await db.schema
        .createTable('email_verifications')
        .addColumn('verification_id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_sealed', 'text')
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .execute();
      await sql`create index email_verifications_of_user on email_verifications (user_id)`.execute(db);
    },
  },
};
