import { conflict } from '@mp/platform';
import { createUser, type Deps, findLiveByEmail, liveUser, type UserRow, updated } from './users.ts';

/**
 * The account an OIDC provider vouches for: an existing one when the provider verified the email,
 * otherwise a new buyer without a password. An unverified email never takes over an account.
 * An existing account that never proved its email (a password sign-up nobody confirmed) may have
 * been registered by someone else in advance (pre-account takeover): the provider's verified
 * email makes it the owner's, so the password goes (`takenOver`; `user.updated` names the password
 * and auth ends every session started before) and the email counts as verified.
 */
export async function accountForExternalIdentity(
  deps: Deps,
  input: { email: string; emailVerified: boolean; name: string },
): Promise<{ user: UserRow; created: boolean; takenOver: boolean }> {
  const existing = await findLiveByEmail(deps.db, input.email);
  if (existing) {
    if (!input.emailVerified)
      throw conflict(
        'ACCOUNT_EXISTS',
        'An account with this email exists; sign in with its password to link the provider',
      );
    if (existing.email_verified_at !== null) return { user: existing, created: false, takenOver: false };
    return deps.db.transaction().execute(async (trx) => {
      const user = await liveUser(trx, existing.id, true);
      if (user.email_verified_at !== null) return { user, created: false, takenOver: false };
      const now = new Date();
      const row = await trx
        .updateTable('users')
        .set({ password_hash: null, email_verified_at: now, updated_at: now })
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await updated(trx, deps, row, ['password', 'emailVerified'], now);
      return { user: row, created: false, takenOver: user.password_hash !== null };
    });
  }
  try {
    const user = await createUser(deps, {
      email: input.email,
      password: null,
      name: input.name,
      phone: null,
      role: 'buyer',
      emailVerified: input.emailVerified,
    });
    return { user, created: true, takenOver: false };
  } catch (err) {
    // Two first sign-ins at once: the other one created it.
    const again =
      (err as { code?: string }).code === 'EMAIL_TAKEN' && (await findLiveByEmail(deps.db, input.email));
    if (again && input.emailVerified) return { user: again, created: false, takenOver: false };
    throw err;
  }
}
