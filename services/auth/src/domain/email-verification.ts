import { newId, type Transaction } from '@mp/platform';
import type { AuthDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { markEmailVerified } from './accounts.ts';
import { tokenError } from './password-reset.ts';
import { randomToken, seal, sha256, unseal } from './sealing.ts';

/**
 * Opens a link that proves the account owns its email, the way a password reset is opened: a
 * single-use token whose hash is kept (and the token sealed, for notification to fetch while the
 * link is open), earlier open links withdrawn, and `auth.email.verification` naming the
 * verification, never the token — in the caller's transaction.
 */
export async function openVerification(
  trx: Transaction<Database>,
  deps: AuthDeps,
  kek: Buffer,
  account: { userId: string; email: string },
): Promise<void> {
  const token = randomToken(32);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + deps.config.EMAIL_VERIFICATION_TTL_SECONDS * 1000);
  await trx
    .updateTable('email_verifications')
    .set({ used_at: now, token_sealed: null })
    .where('user_id', '=', account.userId)
    .where('used_at', 'is', null)
    .execute();
  const verificationId = newId();
  await trx
    .insertInto('email_verifications')
    .values({
      verification_id: verificationId,
      token_hash: sha256(token),
      token_sealed: seal(kek, token),
      user_id: account.userId,
      email: account.email,
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  await deps.events.publish(
    trx,
    'auth.email.verification',
    {
      userId: account.userId,
      email: account.email,
      verificationId,
      expiresAt: expiresAt.toISOString(),
      at: now.toISOString(),
    },
    { userId: account.userId, aggregateKey: `user:${account.userId}` },
  );
}

/**
 * Confirms a link: claimed under a row lock, user marks the email verified (through Dapr), then
 * the token is spent — one transaction, so a failure leaves the link usable.
 */
export async function confirmVerification(deps: AuthDeps, token: string): Promise<{ userId: string }> {
  const hash = sha256(token);
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('email_verifications')
      .selectAll()
      .where('token_hash', '=', hash)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw tokenError('VERIFICATION_TOKEN_INVALID', 'This verification link is not valid');
    if (row.used_at)
      throw tokenError(
        'VERIFICATION_TOKEN_USED',
        'This verification link was already used or replaced by a newer one',
      );
    if (row.expires_at.getTime() <= Date.now())
      throw tokenError('VERIFICATION_TOKEN_EXPIRED', 'This verification link has expired');
    await markEmailVerified(deps.dapr, row.user_id);
    await trx
      .updateTable('email_verifications')
      .set({ used_at: new Date(), token_sealed: null })
      .where('verification_id', '=', row.verification_id)
      .execute();
    return { userId: row.user_id };
  });
}

/** The token of an open verification, for notification to mail; undefined once spent, replaced or expired. */
export async function openVerificationToken(
  deps: AuthDeps,
  kek: Buffer,
  verificationId: string,
): Promise<{ token: string; expiresAt: Date } | undefined> {
  const row = await deps.db
    .selectFrom('email_verifications')
    .select(['token_sealed', 'expires_at'])
    .where('verification_id', '=', verificationId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row?.token_sealed) return undefined;
  return { token: unseal(kek, row.token_sealed), expiresAt: row.expires_at };
}
