import { randomInt } from 'node:crypto';
import { conflict, type Kysely, type Transaction, unprocessable } from '@mp/platform';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Database } from '../db/schema.ts';
import { keyedHash, seal, unseal } from './sealing.ts';

/** TOTP two-factor (RFC 6238: SHA-1, 6 digits, 30 s, one step of clock drift either way). */
type Db = Kysely<Database> | Transaction<Database>;

const RECOVERY_CODES = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const recoveryHash = (kek: Buffer, userId: string, code: string) =>
  keyedHash(kek, `recovery:${userId}`, code.toLowerCase().replace(/[\s-]/g, ''));

/** Ten single-use codes like `k7m2p-x9qrt` (50 bits each), shown once; only keyed hashes are kept. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

async function storeRecoveryCodes(
  trx: Transaction<Database>,
  kek: Buffer,
  userId: string,
): Promise<string[]> {
  const codes = newRecoveryCodes();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await trx
    .insertInto('recovery_codes')
    .values(codes.map((c) => ({ user_id: userId, code_hash: recoveryHash(kek, userId, c), used_at: null })))
    .execute();
  return codes;
}

/** The time step a code matches (0 = none), never accepting a step at or before `after`. */
async function matchTotp(secret: string, otp: string, after: number): Promise<number> {
  if (!/^\d{6}$/.test(otp)) return 0;
  try {
    const r = await verify({
      secret,
      token: otp,
      epochTolerance: 30,
      ...(after > 0 ? { afterTimeStep: after } : {}),
    });
    return r.valid && 'timeStep' in r ? r.timeStep : 0;
  } catch {
    return 0;
  }
}

export async function twoFactorOf(db: Db, userId: string) {
  return db.selectFrom('two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function isTwoFactorOn(db: Db, userId: string): Promise<boolean> {
  return Boolean((await twoFactorOf(db, userId))?.enabled_at);
}

export async function status(db: Db, userId: string) {
  const row = await twoFactorOf(db, userId);
  const { left } = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('left'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    enabled: Boolean(row?.enabled_at),
    enabledAt: row?.enabled_at?.toISOString() ?? null,
    pendingSetup: Boolean(row?.pending_secret_sealed),
    recoveryCodesLeft: row?.enabled_at ? left : 0,
  };
}

/** Step 1: a new secret, kept pending until a code from it proves the authenticator has it. */
export async function setup(
  db: Kysely<Database>,
  kek: Buffer,
  userId: string,
  label: string,
  issuer: string,
) {
  if (await isTwoFactorOn(db, userId))
    throw conflict('TWO_FACTOR_ENABLED', 'Two-factor sign-in is already on');
  const secret = generateSecret();
  await db
    .insertInto('two_factor')
    .values({
      user_id: userId,
      pending_secret_sealed: seal(kek, secret),
      secret_sealed: null,
      enabled_at: null,
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ pending_secret_sealed: seal(kek, secret), updated_at: new Date() }),
    )
    .execute();
  return { secret, otpauthUrl: generateURI({ issuer, label, secret }) };
}

const invalidOtp = () =>
  unprocessable('OTP_INVALID', 'The code is not valid', {
    errors: [{ path: 'otp', message: 'not a valid code', in: 'body' }],
  });

/** Step 2: a valid code from the pending secret turns 2FA on and gives the recovery codes. */
export async function enable(
  db: Kysely<Database>,
  kek: Buffer,
  userId: string,
  otp: string,
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('two_factor')
      .selectAll()
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (row?.enabled_at) throw conflict('TWO_FACTOR_ENABLED', 'Two-factor sign-in is already on');
    if (!row?.pending_secret_sealed)
      throw conflict('TWO_FACTOR_NOT_SET_UP', 'Start with POST /api/v1/auth/2fa/setup');
    const step = await matchTotp(unseal(kek, row.pending_secret_sealed), otp, 0);
    if (!step) throw invalidOtp();
    await trx
      .updateTable('two_factor')
      .set({
        secret_sealed: row.pending_secret_sealed,
        pending_secret_sealed: null,
        enabled_at: new Date(),
        // The code that turned it on cannot also sign in.
        last_time_step: step,
        updated_at: new Date(),
      })
      .where('user_id', '=', userId)
      .execute();
    return storeRecoveryCodes(trx, kek, userId);
  });
}

/**
 * Checks a second factor and spends it: a TOTP code is good once (its time step must be newer
 * than the last one accepted, claimed by a conditional update so two requests cannot both use it),
 * a recovery code is good once.
 */
export async function spendSecondFactor(db: Db, kek: Buffer, userId: string, otp: string): Promise<boolean> {
  const row = await twoFactorOf(db, userId);
  if (!row?.enabled_at || !row.secret_sealed) return false;
  const step = await matchTotp(unseal(kek, row.secret_sealed), otp.trim(), Number(row.last_time_step));
  if (step) {
    const claimed = await db
      .updateTable('two_factor')
      .set({ last_time_step: step })
      .where('user_id', '=', userId)
      .where('last_time_step', '<', step)
      .returning('user_id')
      .executeTakeFirst();
    return Boolean(claimed);
  }
  const spent = await db
    .updateTable('recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', recoveryHash(kek, userId, otp))
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return Boolean(spent);
}

/** Turns 2FA off after a valid code (TOTP or recovery); the secret and the codes are erased. */
export async function disable(db: Kysely<Database>, kek: Buffer, userId: string, otp: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await isTwoFactorOn(trx, userId)))
      throw conflict('TWO_FACTOR_DISABLED', 'Two-factor sign-in is off');
    if (!(await spendSecondFactor(trx, kek, userId, otp))) throw invalidOtp();
    await trx.deleteFrom('two_factor').where('user_id', '=', userId).execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  });
}

/** New recovery codes after a valid code; the old ones stop working. */
export async function regenerateRecoveryCodes(
  db: Kysely<Database>,
  kek: Buffer,
  userId: string,
  otp: string,
) {
  return db.transaction().execute(async (trx) => {
    if (!(await isTwoFactorOn(trx, userId)))
      throw conflict('TWO_FACTOR_DISABLED', 'Two-factor sign-in is off');
    if (!(await spendSecondFactor(trx, kek, userId, otp))) throw invalidOtp();
    return storeRecoveryCodes(trx, kek, userId);
  });
}

/** Erases everything 2FA of an account (account deleted). */
export async function erase(trx: Transaction<Database>, userId: string) {
  await trx.deleteFrom('two_factor').where('user_id', '=', userId).execute();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}
