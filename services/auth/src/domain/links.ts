import { badRequest, type Kysely, newId, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { randomToken, seal, sha256, unseal } from './sealing.ts';

/**
 * The single-use links auth mails through notification (password reset, email verification):
 * each row keeps the token's SHA-256 to check it and the token sealed under the key-encryption key
 * to hand out while the link is open (not spent, replaced or expired), wiped once it is not.
 */
export type LinkTable = 'password_resets' | 'email_verifications';
const idColumn = { password_resets: 'reset_id', email_verifications: 'verification_id' } as const;

/** A link's token that is wrong, spent or expired: 400 naming `token`. */
export const tokenError = (code: string, detail: string) =>
  badRequest(code, detail, { errors: [{ path: 'token', message: detail, in: 'body' }] });

/** The token of an open link, for notification to mail; undefined once spent, replaced or expired. */
export async function openLinkToken(
  db: Kysely<Database>,
  kek: Buffer,
  table: LinkTable,
  id: string,
): Promise<{ token: string; expiresAt: Date } | undefined> {
  const row = await db
    .selectFrom(table)
    .select(['token_sealed', 'expires_at'])
    .where(sql.ref(idColumn[table]), '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row?.token_sealed) return undefined;
  return { token: unseal(kek, row.token_sealed), expiresAt: row.expires_at };
}

/**
 * Claims a link by its token under a row lock (the caller spends it with `spendLink` in the same
 * transaction once its action succeeded); a refusal names the link (RESET_TOKEN_INVALID…). The
 * codes are written out, so the API reference lists them (scripts/gen/codes.ts).
 */
export async function claimLink(
  trx: Transaction<Database>,
  table: LinkTable,
  token: string,
): Promise<{ token_hash: string; user_id: string; email: string }> {
  const row = await trx
    .selectFrom(table)
    .select(['token_hash', 'user_id', 'email', 'used_at', 'expires_at'])
    .where('token_hash', '=', sha256(token))
    .forUpdate()
    .executeTakeFirst();
  const reset = table === 'password_resets';
  const noun = reset ? 'reset' : 'verification';
  if (!row)
    throw tokenError(
      reset ? 'RESET_TOKEN_INVALID' : 'VERIFICATION_TOKEN_INVALID',
      `This ${noun} link is not valid`,
    );
  if (row.used_at)
    throw tokenError(
      reset ? 'RESET_TOKEN_USED' : 'VERIFICATION_TOKEN_USED',
      `This ${noun} link was already used or replaced by a newer one`,
    );
  if (row.expires_at.getTime() <= Date.now())
    throw tokenError(
      reset ? 'RESET_TOKEN_EXPIRED' : 'VERIFICATION_TOKEN_EXPIRED',
      `This ${noun} link has expired`,
    );
  return row;
}

/** Spends a claimed link: never usable again, its sealed token wiped. */
export async function spendLink(trx: Transaction<Database>, table: LinkTable, tokenHash: string) {
  await trx
    .updateTable(table)
    .set({ used_at: new Date(), token_sealed: null })
    .where('token_hash', '=', tokenHash)
    .execute();
}

/**
 * Opens a link for the account, withdrawing its earlier open ones of the kind: a 256-bit token,
 * kept as its hash and sealed. Answers the link's id (what the event names) and its expiry.
 */
export async function createLink(
  trx: Transaction<Database>,
  kek: Buffer,
  table: LinkTable,
  account: { userId: string; email: string },
  ttlSeconds: number,
): Promise<{ id: string; expiresAt: Date; at: Date }> {
  const at = new Date();
  const expiresAt = new Date(at.getTime() + ttlSeconds * 1000);
  await trx
    .updateTable(table)
    .set({ used_at: at, token_sealed: null })
    .where('user_id', '=', account.userId)
    .where('used_at', 'is', null)
    .execute();
  const id = newId();
  const token = randomToken(32);
  await trx
    .insertInto(table)
    .values({
      [idColumn[table]]: id,
      token_hash: sha256(token),
      token_sealed: seal(kek, token),
      user_id: account.userId,
      email: account.email,
      expires_at: expiresAt,
      used_at: null,
    } as never)
    .execute();
  return { id, expiresAt, at };
}
