import { ApiError, conflict, forbidden, type Principal, type ThrottleKey, unprocessable } from '@mp/platform';
import type { UserContext, UserDeps } from '../config.ts';
import { verifyPassword } from './passwords.ts';
import { liveUser, setPassword, type UserRow } from './users.ts';

const keyOf = (deps: UserDeps, userId: string): ThrottleKey => {
  const c = deps.config;
  return {
    key: `password-check:user:${userId}`,
    policy: {
      windowMs: c.PASSWORD_CHECK_WINDOW_SECONDS * 1000,
      slowAfter: c.PASSWORD_CHECK_SLOW_AFTER,
      blockAfter: Math.max(c.PASSWORD_CHECK_BLOCK_AFTER, c.PASSWORD_CHECK_SLOW_AFTER),
      delayMs: c.PASSWORD_CHECK_DELAY_MS,
      maxDelayMs: c.PASSWORD_CHECK_MAX_DELAY_MS,
      lockoutMs: c.PASSWORD_CHECK_LOCKOUT_SECONDS * 1000,
    },
  };
};

const field = (code: string, detail: string, message: string) =>
  unprocessable(code, detail, { errors: [{ path: 'currentPassword', message, in: 'body' }] });

/**
 * Checks the account's current password under the throttle (counted before the check, as a
 * sign-in is): repeated wrong guesses slow down and then lock (429), a down store refuses (503).
 */
export async function confirmPassword(deps: UserContext, user: UserRow, password: string | undefined) {
  if (password === undefined)
    throw field('CURRENT_PASSWORD_REQUIRED', 'Confirm this with the current password', 'required');
  await deps.passwordChecks.guard(
    [keyOf(deps, user.id)],
    async () => {
      if (!(await verifyPassword(user.password_hash, password)))
        throw field('CURRENT_PASSWORD_WRONG', 'The current password is not right', 'does not match');
    },
    (err) => err instanceof ApiError && err.code === 'CURRENT_PASSWORD_WRONG',
  );
}

/**
 * Re-authentication before a grave change (account deletion): the current password, or for an
 * account without one (social sign-in only) a sign-in within REAUTH_MAX_AGE_SECONDS.
 */
export async function reauthenticate(
  deps: UserContext,
  principal: Principal,
  user: UserRow,
  currentPassword: string | undefined,
) {
  if (user.password_hash) return confirmPassword(deps, user, currentPassword);
  const maxAge = deps.config.REAUTH_MAX_AGE_SECONDS;
  const age = principal.authTime === undefined ? Infinity : Date.now() / 1000 - principal.authTime;
  if (age > maxAge)
    throw forbidden(
      'RECENT_SIGN_IN_REQUIRED',
      `Sign in again (within ${Math.round(maxAge / 60)} minutes) before deleting the account`,
    );
}

/** Changes the password after checking the current one; auth ends the account's sessions on the event. */
export async function changePassword(deps: UserContext, userId: string, current: string, next: string) {
  const user = await liveUser(deps.db, userId);
  if (!user.password_hash)
    throw conflict('NO_PASSWORD', 'This account signs in through a provider; set a password by resetting it');
  await confirmPassword(deps, user, current);
  await setPassword(deps, userId, next);
}
