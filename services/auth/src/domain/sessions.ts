import type { Dapr } from '@mp/platform';

/** A login session, kept in the `sessions` state store (the seed's DynamoDB `Sessions`). */
export interface Session {
  sessionId: string;
  userId: string;
  role: 'buyer' | 'seller' | 'admin';
  method: 'password' | 'oidc';
  createdAt: string;
  lastSeenAt: string;
  ip?: string;
  userAgent?: string;
  revokedAt?: string;
}

export const SESSIONS_STORE = 'sessions';
const key = (sessionId: string) => `session:${sessionId}`;

export async function saveSession(dapr: Dapr, s: Session, ttlSeconds: number): Promise<void> {
  await dapr.saveState(SESSIONS_STORE, key(s.sessionId), s, { ttlSeconds });
}

export async function getSession(dapr: Dapr, sessionId: string): Promise<Session | undefined> {
  return (await dapr.getState<Session>(SESSIONS_STORE, key(sessionId))).value;
}
