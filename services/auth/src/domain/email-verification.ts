import type { Transaction } from '@mp/platform';
import { publishOptions } from '@mp/platform';
import type { AuthDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { markEmailVerified } from './accounts.ts';
import { claimLink, createLink, openLinkToken, spendLink } from './links.ts';

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
  const link = await createLink(
    trx,
    kek,
    'email_verifications',
    account,
    deps.config.EMAIL_VERIFICATION_TTL_SECONDS,
  );
  await deps.events.publish(
    trx,
    'auth.email.verification',
    {
      userId: account.userId,
      email: account.email,
      verificationId: link.id,
      expiresAt: link.expiresAt.toISOString(),
      at: link.at.toISOString(),
    },
    publishOptions('user', account.userId, { userId: account.userId }),
  );
}

/**
 * Confirms a link: claimed under a row lock, user marks the email verified (through Dapr), then
 * the token is spent — one transaction, so a failure leaves the link usable.
 */
export async function confirmVerification(deps: AuthDeps, token: string): Promise<{ userId: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await claimLink(trx, 'email_verifications', token);
    await markEmailVerified(deps.dapr, row.user_id);
    await spendLink(trx, 'email_verifications', row.token_hash);
    return { userId: row.user_id };
  });
}

/** The token of an open verification, for notification to mail; undefined once spent, replaced or expired. */
export const openVerificationToken = (deps: AuthDeps, kek: Buffer, verificationId: string) =>
  openLinkToken(deps.db, kek, 'email_verifications', verificationId);
