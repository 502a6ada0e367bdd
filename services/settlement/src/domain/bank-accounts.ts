/**
 * 정산 계좌: the account a seller's payouts go to. Its 예금주 is checked with the bank
 * (계좌실명조회) before it is kept; the account number is kept sealed, shown masked.
 */
import { type Kysely, notFound, unavailable, unprocessable } from '@mp/platform';
import { BankError } from '../bank/openbanking.ts';
import type { Database } from '../db/schema.ts';
import type { PayoutContext } from './payout-context.ts';

export interface AccountInput {
  bankCode: string;
  accountNumber: string;
  holderName: string;
}

/** Holder names compare without spaces and brackets, as banks print them ((주) 한빛 = (주)한빛). */
const sameHolder = (a: string, b: string) => {
  const norm = (s: string) =>
    s
      .normalize('NFC')
      .replace(/[\s()（）]/g, '')
      .toUpperCase();
  return norm(a) === norm(b);
};

export const maskAccount = (n: string) => `${'*'.repeat(Math.max(0, n.length - 4))}${n.slice(-4)}`;

/** Checks the holder with the bank, then keeps the account as the seller's (replacing any earlier one). */
export async function registerAccount(ctx: PayoutContext, sellerId: string, a: AccountInput) {
  const bank = ctx.bank;
  if (!bank)
    throw unavailable('BANK_UNAVAILABLE', 'Account checks are not configured (open-banking credentials)');
  let holder: string;
  try {
    holder = await bank.holderOf(a.bankCode, a.accountNumber);
  } catch (err) {
    if (!(err instanceof BankError)) throw err;
    if (err.code === 'BANK_UNAVAILABLE') throw unavailable('BANK_UNAVAILABLE', err.message);
    throw unprocessable('BANK_ACCOUNT_NOT_FOUND', `The bank does not know this account: ${err.message}`, {
      errors: [{ path: 'accountNumber', message: err.message }],
    });
  }
  if (!sameHolder(holder, a.holderName))
    throw unprocessable(
      'BANK_ACCOUNT_HOLDER_MISMATCH',
      "The holder's name is not the one the bank has for this account",
      {
        errors: [{ path: 'holderName', message: '예금주가 일치하지 않습니다' }],
      },
    );
  const now = new Date();
  const row = {
    seller_id: sellerId,
    bank_code: a.bankCode,
    account_sealed: ctx.seal(a.accountNumber),
    account_masked: maskAccount(a.accountNumber),
    holder_name: holder,
    verified_at: now,
    updated_at: now,
  };
  return ctx.db
    .insertInto('bank_accounts')
    .values(row)
    .onConflict((oc) =>
      oc.column('seller_id').doUpdateSet({
        bank_code: row.bank_code,
        account_sealed: row.account_sealed,
        account_masked: row.account_masked,
        holder_name: row.holder_name,
        verified_at: now,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function accountOf(db: Kysely<Database>, sellerId: string) {
  const a = await db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .executeTakeFirst();
  if (!a) throw notFound('BANK_ACCOUNT_NOT_FOUND', 'No payout account is registered');
  return a;
}
