import { publishOptions, type Role, unauthorized } from '@mp/platform';
import type { AuthDeps } from '../config.ts';
import type { RevokeReason } from '../db/schema.ts';
import type { KeyRing } from './keys.ts';
import {
  forgetSessions,
  recordKey,
  refreshExpiry,
  revokeSessions,
  SESSIONS_STORE,
  type SessionRecord,
  saveRecord,
} from './sessions.ts';
import {
  hashRefreshToken,
  issueAccessToken,
  newRefreshToken,
  type TokenPair,
  type TokenSettings,
} from './tokens.ts';

/** The caller-facing reasons a refresh is refused. */
const refused = {
  invalid: () => unauthorized('REFRESH_TOKEN_INVALID', 'This refresh token is not valid'),
  expired: () => unauthorized('REFRESH_TOKEN_EXPIRED', 'This refresh token has expired; sign in again'),
  reused: () =>
    unauthorized('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session has been ended'),
  revoked: () => unauthorized('SESSION_REVOKED', 'This session has ended; sign in again'),
  sessionExpired: () =>
    unauthorized('SESSION_EXPIRED', 'This session has reached its maximum lifetime; sign in again'),
};

/**
 * Exchanges a refresh token for a new pair in the same session (rotation). A token presented a
 * second time (stolen, or replayed) ends the whole session: every token of the family stops working.
 * `currentUser` says whether the account may still sign in, and in which role.
 */
export async function refreshSession(
  deps: AuthDeps,
  ring: KeyRing,
  settings: TokenSettings,
  token: string,
  currentUser: (userId: string) => Promise<{ role: Role; status: string } | undefined>,
): Promise<TokenPair & { sessionId: string }> {
  const { db, events, dapr, log } = deps;
  const hash = hashRefreshToken(token);
  const row = await db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) throw refused.invalid();

  const endFamily = async (reason: RevokeReason) => {
    const ended = await db
      .transaction()
      .execute((trx) => revokeSessions(trx, events, { sessionIds: [row.session_id] }, reason));
    await forgetSessions(dapr, log, ended);
  };
  if (row.used_at) {
    log.warn(
      { sessionId: row.session_id, userId: row.user_id },
      'spent refresh token presented; session ended',
    );
    await endFamily('refresh_reuse');
    throw refused.reused();
  }
  if (row.expires_at.getTime() <= Date.now()) throw refused.expired();

  const user = await currentUser(row.user_id);
  if (user?.status !== 'ACTIVE') {
    await endFamily(user?.status === 'SUSPENDED' ? 'suspended' : 'deleted');
    throw refused.revoked();
  }

  const now = new Date();
  const next = newRefreshToken();
  let expiresAt = now;
  let signedInAt = now;
  const outcome = await db.transaction().execute(async (trx) => {
    const session = await trx
      .selectFrom('sessions')
      .select(['revoked_at', 'created_at'])
      .where('session_id', '=', row.session_id)
      .forUpdate()
      .executeTakeFirst();
    if (!session || session.revoked_at) return 'revoked' as const;
    // Rotation never extends a session past its absolute lifetime from the sign-in.
    signedInAt = session.created_at;
    expiresAt = refreshExpiry(settings, now, session.created_at);
    if (expiresAt.getTime() <= now.getTime()) return 'ended' as const;
    // Only one exchange of a token can win; the loser is a reuse.
    const spent = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .returning('token_hash')
      .executeTakeFirst();
    if (!spent) return 'reused' as const;
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: next.hash,
        session_id: row.session_id,
        user_id: row.user_id,
        used_at: null,
        expires_at: expiresAt,
      })
      .execute();
    await trx
      .updateTable('sessions')
      .set({ expires_at: expiresAt })
      .where('session_id', '=', row.session_id)
      .execute();
    await events.publish(
      trx,
      'auth.token.refreshed',
      { userId: row.user_id, sessionId: row.session_id, refreshedAt: now.toISOString() },
      publishOptions('session', row.session_id, { userId: row.user_id }),
    );
    return 'rotated' as const;
  });
  if (outcome === 'revoked') throw refused.revoked();
  if (outcome === 'ended') throw refused.sessionExpired();
  if (outcome === 'reused') {
    await endFamily('refresh_reuse');
    throw refused.reused();
  }

  const record = (
    await dapr.getState<SessionRecord>(SESSIONS_STORE, recordKey(row.session_id)).catch(() => undefined)
  )?.value;
  if (record)
    await saveRecord(
      dapr,
      log,
      { ...record, role: user.role, lastSeenAt: now.toISOString() },
      settings.refreshTtlSeconds,
    );
  const accessToken = await issueAccessToken(ring, settings, {
    userId: row.user_id,
    role: user.role,
    sessionId: row.session_id,
    signedInAt,
  });
  return {
    sessionId: row.session_id,
    accessToken,
    refreshToken: next.token,
    expiresIn: settings.accessTtlSeconds,
    tokenType: 'Bearer',
  };
}
