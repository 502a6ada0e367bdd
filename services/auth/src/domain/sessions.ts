import {
  type Dapr,
  type EventPublisher,
  type Logger,
  newId,
  publishOptions,
  type Role,
  type Transaction,
} from '@mp/platform';
import type { AuthDeps } from '../config.ts';
import type { Database, RevokeReason, SessionMethod } from '../db/schema.ts';
import type { KeyRing } from './keys.ts';
import { issueAccessToken, newRefreshToken, type TokenPair, type TokenSettings } from './tokens.ts';

/** A session's details, kept in the `sessions` state store (DynamoDB `Sessions` on AWS). */
export interface SessionRecord {
  sessionId: string;
  userId: string;
  role: Role;
  method: SessionMethod;
  provider?: string;
  createdAt: string;
  lastSeenAt: string;
  ip?: string;
  userAgent?: string;
}

export const SESSIONS_STORE = 'sessions';
/** The state store key of a session's record. */
export const recordKey = (sessionId: string) => `session:${sessionId}`;

export interface NewSession {
  userId: string;
  role: Role;
  method: SessionMethod;
  provider?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

type Trx = Transaction<Database>;

/** The state record is a convenience (devices, last seen); the ledger decides. A failing store is logged. */
export async function saveRecord(dapr: Dapr, log: Logger, r: SessionRecord, ttlSeconds: number) {
  await dapr
    .saveState(SESSIONS_STORE, recordKey(r.sessionId), r, { ttlSeconds })
    .catch((err) => log.warn({ err, sessionId: r.sessionId }, 'session record not saved'));
}

/** Forgets the records of ended sessions (best effort: the ledger already says they ended). */
export async function forgetSessions(dapr: Dapr, log: Logger, sessionIds: string[]) {
  for (const id of sessionIds)
    await dapr
      .deleteState(SESSIONS_STORE, recordKey(id))
      .catch((err) => log.warn({ err, id }, 'session record not removed'));
}

/** When a refresh token given at `now` expires: its lifetime, but never past the session's absolute end. */
export const refreshExpiry = (settings: TokenSettings, now: Date, sessionStart: Date): Date =>
  new Date(
    Math.min(
      now.getTime() + settings.refreshTtlSeconds * 1000,
      sessionStart.getTime() + settings.maxSessionSeconds * 1000,
    ),
  );

/** Starts a session: ledger row, first refresh token and `auth.user.login` commit together. */
export async function startSession(
  deps: AuthDeps,
  ring: KeyRing,
  settings: TokenSettings,
  s: NewSession,
): Promise<TokenPair & { sessionId: string }> {
  const sessionId = newId();
  const now = new Date();
  const expiresAt = refreshExpiry(settings, now, now);
  const refresh = newRefreshToken();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        session_id: sessionId,
        user_id: s.userId,
        method: s.method,
        provider: s.provider ?? null,
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
        revoke_reason: null,
      })
      .execute();
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: refresh.hash,
        session_id: sessionId,
        user_id: s.userId,
        used_at: null,
        expires_at: expiresAt,
      })
      .execute();
    await deps.events.publish(
      trx,
      'auth.user.login',
      {
        userId: s.userId,
        sessionId,
        method: s.method,
        ...(s.provider ? { provider: s.provider } : {}),
        ...(s.ip ? { ip: s.ip } : {}),
        loggedInAt: now.toISOString(),
      },
      publishOptions('session', sessionId, { userId: s.userId }),
    );
  });
  await saveRecord(
    deps.dapr,
    deps.log,
    {
      sessionId,
      userId: s.userId,
      role: s.role,
      method: s.method,
      ...(s.provider ? { provider: s.provider } : {}),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      ...(s.ip ? { ip: s.ip } : {}),
      ...(s.userAgent ? { userAgent: s.userAgent.slice(0, 300) } : {}),
    },
    settings.refreshTtlSeconds,
  );
  const accessToken = await issueAccessToken(ring, settings, {
    userId: s.userId,
    role: s.role,
    sessionId,
    signedInAt: now,
  });
  return {
    sessionId,
    accessToken,
    refreshToken: refresh.token,
    expiresIn: settings.accessTtlSeconds,
    tokenType: 'Bearer',
  };
}

/**
 * Ends sessions (by id, or every live one of a user started before `before`) and publishes
 * `auth.user.logout` for each one that was still live, in the caller's transaction.
 */
export async function revokeSessions(
  trx: Trx,
  events: EventPublisher,
  which: { sessionIds: string[] } | { userId: string; before?: Date },
  reason: RevokeReason,
  userId?: string,
): Promise<string[]> {
  const now = new Date();
  let q = trx
    .updateTable('sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('revoked_at', 'is', null);
  if ('sessionIds' in which) {
    if (!which.sessionIds.length) return [];
    q = q.where('session_id', 'in', which.sessionIds);
    if (userId) q = q.where('user_id', '=', userId);
  } else {
    q = q.where('user_id', '=', which.userId);
    if (which.before) q = q.where('created_at', '<', which.before);
  }
  const ended = await q.returning(['session_id', 'user_id']).execute();
  for (const s of ended) {
    await events.publish(
      trx,
      'auth.user.logout',
      { userId: s.user_id, sessionId: s.session_id, loggedOutAt: now.toISOString(), reason },
      publishOptions('session', s.session_id, { userId: s.user_id }),
    );
  }
  return ended.map((s) => s.session_id);
}

/** The user's live sessions, newest first, with their recorded details. */
export async function liveSessions(deps: AuthDeps, userId: string) {
  const rows = await deps.db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return Promise.all(
    rows.map(async (r) => {
      const record = (
        await deps.dapr
          .getState<SessionRecord>(SESSIONS_STORE, recordKey(r.session_id))
          .catch(() => undefined)
      )?.value;
      return {
        id: r.session_id,
        method: r.method,
        provider: r.provider,
        createdAt: r.created_at.toISOString(),
        lastSeenAt: record?.lastSeenAt ?? r.created_at.toISOString(),
        expiresAt: r.expires_at.toISOString(),
        ip: record?.ip ?? null,
        userAgent: record?.userAgent ?? null,
      };
    }),
  );
}

/** Sessions ended within `seconds` (the access-token lifetime and a margin): the list every verifier consults. */
export async function recentlyRevoked(deps: AuthDeps, seconds: number): Promise<string[]> {
  const rows = await deps.db
    .selectFrom('sessions')
    .select('session_id')
    .where('revoked_at', '>', new Date(Date.now() - seconds * 1000))
    .execute();
  return rows.map((r) => r.session_id);
}
