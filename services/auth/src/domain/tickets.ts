import type { Kysely } from '@mp/platform';
import type { Database, SessionMethod } from '../db/schema.ts';
import { randomToken, sha256 } from './sealing.ts';

const TICKET_TTL_MS = 5 * 60_000;

/**
 * A login ticket: proof that a sign-in passed its first factor (password or provider), good for
 * five minutes and one successful second factor. Only its hash is kept.
 */
export async function issueTicket(
  db: Kysely<Database>,
  t: { userId: string; method: SessionMethod; provider?: string },
): Promise<string> {
  const ticket = randomToken(32);
  await db
    .insertInto('login_tickets')
    .values({
      ticket_hash: sha256(ticket),
      user_id: t.userId,
      method: t.method,
      provider: t.provider ?? null,
      expires_at: new Date(Date.now() + TICKET_TTL_MS),
    })
    .execute();
  // Old tickets are swept here rather than by a worker: they are tiny and only read by hash.
  await db
    .deleteFrom('login_tickets')
    .where('expires_at', '<', new Date(Date.now() - TICKET_TTL_MS))
    .execute();
  return ticket;
}

/** A live ticket, and a way to spend it once (a concurrent second use gets nothing). */
export async function redeemTicket(db: Kysely<Database>, ticket: string) {
  const hash = sha256(ticket);
  const row = await db
    .selectFrom('login_tickets')
    .selectAll()
    .where('ticket_hash', '=', hash)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ticket: row,
    spend: () =>
      db.deleteFrom('login_tickets').where('ticket_hash', '=', hash).returningAll().executeTakeFirst(),
  };
}
