import { badRequest, newId, type Transaction } from '@mp/platform';
import type { AuthDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { accountByEmail, setPassword } from './accounts.ts';
import { randomToken, seal, sha256, unseal } from './sealing.ts';
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
  const token = randomToken(32);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + deps.config.PASSWORD_RESET_TTL_SECONDS * 1000);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('password_resets')
      .set({ used_at: now, token_sealed: null })
      .where('user_id', '=', account.userId)
      .where('used_at', 'is', null)
      .execute();
    const resetId = newId();
    await trx
      .insertInto('password_resets')
      .values({
        token_hash: sha256(token),
        reset_id: resetId,
        token_sealed: seal(kek, token),
        user_id: account.userId,
        email: account.email,
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    await deps.events.publish(
      trx,
      'auth.password.reset',
      {
        userId: account.userId,
        email: account.email,
        phase: 'requested',
        resetId,
        expiresAt: expiresAt.toISOString(),
        at: now.toISOString(),
      },
      { userId: account.userId, aggregateKey: `user:${account.userId}` },
    );
  });
}

/** A link's token that is wrong, spent or expired: 400 naming `token`. */
export const tokenError = (code: string, detail: string) =>
  badRequest(code, detail, { errors: [{ path: 'token', message: detail, in: 'body' }] });

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
  const hash = sha256(token);
  const result = await deps.db.transaction().execute(async (trx: Transaction<Database>) => {
    const row = await trx
      .selectFrom('password_resets')
      .selectAll()
      .where('token_hash', '=', hash)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw tokenError('RESET_TOKEN_INVALID', 'This reset link is not valid');
    if (row.used_at)
      throw tokenError('RESET_TOKEN_USED', 'This reset link was already used or replaced by a newer one');
    if (row.expires_at.getTime() <= Date.now())
      throw tokenError('RESET_TOKEN_EXPIRED', 'This reset link has expired');
    await setPassword(deps.dapr, row.user_id, newPassword);
    const now = new Date();
    await trx
      .updateTable('password_resets')
      .set({ used_at: now, token_sealed: null })
      .where('token_hash', '=', hash)
      .execute();
    const ended = await revokeSessions(trx, deps.events, { userId: row.user_id }, 'password_reset');
    await deps.events.publish(
      trx,
      'auth.password.reset',
      { userId: row.user_id, email: row.email, phase: 'completed', at: now.toISOString() },
      { userId: row.user_id, aggregateKey: `user:${row.user_id}` },
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
export async function openResetToken(
  deps: AuthDeps,
  kek: Buffer,
  resetId: string,
): Promise<{ token: string; expiresAt: Date } | undefined> {
  const row = await deps.db
    .selectFrom('password_resets')
    .select(['token_sealed', 'expires_at'])
    .where('reset_id', '=', resetId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row?.token_sealed) return undefined;
  return { token: unseal(kek, row.token_sealed), expiresAt: row.expires_at };
}
