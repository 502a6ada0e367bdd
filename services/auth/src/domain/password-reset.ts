import type { Transaction } from '@mp/platform';
import { publishOptions } from '@mp/platform';
import type { AuthDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { accountByEmail, setPassword } from './accounts.ts';
import { claimLink, createLink, openLinkToken, spendLink } from './links.ts';
import { forgetSessions, revokeSessions } from './sessions.ts';

/**
 * Starts a reset for the live account with this email, if there is one: a single-use token whose
 * hash is kept (and the token itself sealed, for notification to fetch while the reset is open),
 * earlier open tokens withdrawn, and `auth.password.reset` (phase requested, naming the reset, never
 * the token) for notification to mail. Unknown emails do nothing; the caller answers 202 either way.
 */
export async function requestReset(deps: AuthDeps, kek: Buffer, email: string): Promise<void> {
  const account = await accountByEmail(deps.dapr, email);
  if (account?.status !== 'ACTIVE') return;
  await deps.db.transaction().execute(async (trx) => {
    const link = await createLink(
      trx,
      kek,
      'password_resets',
      account,
      deps.config.PASSWORD_RESET_TTL_SECONDS,
    );
    await deps.events.publish(
      trx,
      'auth.password.reset',
      {
        userId: account.userId,
        email: account.email,
        phase: 'requested',
        resetId: link.id,
        expiresAt: link.expiresAt.toISOString(),
        at: link.at.toISOString(),
      },
      publishOptions('user', account.userId, { userId: account.userId }),
    );
  });
}

/**
 * Confirms a reset: the token is claimed under a row lock, user sets the password (through Dapr),
 * then the token is spent, every session of the account ends and `auth.password.reset` (phase
 * completed) is published, all in one transaction — a failure anywhere leaves the token usable.
 */
export async function confirmReset(
  deps: AuthDeps,
  token: string,
  newPassword: string,
): Promise<{ userId: string; email: string }> {
  const result = await deps.db.transaction().execute(async (trx: Transaction<Database>) => {
    const row = await claimLink(trx, 'password_resets', token);
    await setPassword(deps.dapr, row.user_id, newPassword);
    const now = new Date();
    await spendLink(trx, 'password_resets', row.token_hash);
    const ended = await revokeSessions(trx, deps.events, { userId: row.user_id }, 'password_reset');
    await deps.events.publish(
      trx,
      'auth.password.reset',
      { userId: row.user_id, email: row.email, phase: 'completed', at: now.toISOString() },
      publishOptions('user', row.user_id, { userId: row.user_id }),
    );
    return { userId: row.user_id, email: row.email, ended };
  });
  await forgetSessions(deps.dapr, deps.log, result.ended);
  return { userId: result.userId, email: result.email };
}

/**
 * The token of an open reset, for notification to put in the mail (through Dapr, to notification
 * only): undefined once the reset is spent, superseded or expired.
 */
export const openResetToken = (deps: AuthDeps, kek: Buffer, resetId: string) =>
  openLinkToken(deps.db, kek, 'password_resets', resetId);
