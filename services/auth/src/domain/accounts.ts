import { ApiError, type Dapr } from '@mp/platform';

/** The user service's answers (its internal routes, listed in the contracts), reached through Dapr. */
export type { InternalUser as Account } from '@mp/contracts';

const notFoundToUndefined = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.catch((err) => {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  });

/** Auth asks user whether the credentials are right. A wrong pair is a 401 INVALID_CREDENTIALS. */
export const verifyCredentials = (dapr: Dapr, email: string, password: string) =>
  dapr.call('user.credentials.verify', { body: { email, password } });

export const accountById = (dapr: Dapr, userId: string) =>
  notFoundToUndefined(dapr.call('user.users.get', { params: { id: userId } }));

export const accountByEmail = (dapr: Dapr, email: string) =>
  notFoundToUndefined(dapr.call('user.users.lookup', { body: { email } }));

/**
 * The account a provider vouches for (created on first sign-in); 409 ACCOUNT_EXISTS for an
 * unverified email. `takenOver`: a never-verified password account whose password user removed.
 */
export const accountForIdentity = (
  dapr: Dapr,
  who: { email: string; emailVerified: boolean; name: string },
) => dapr.call('user.users.external', { body: who });

export const setPassword = (dapr: Dapr, userId: string, password: string) =>
  dapr.call('user.users.password', { params: { id: userId }, body: { password } });

export const markEmailVerified = (dapr: Dapr, userId: string) =>
  dapr.call('user.users.emailVerified', { params: { id: userId } });
