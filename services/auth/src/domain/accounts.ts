import { ApiError, type Dapr, type Role } from '@mp/platform';

/** The user service's answers (contract 2 and its internal routes), reached through Dapr. */
export interface Account {
  userId: string;
  email: string;
  name: string;
  phone: string | null;
  role: Role;
  status: 'ACTIVE' | 'SUSPENDED' | 'DELETED';
  emailVerified: boolean;
}

const notFoundToUndefined = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.catch((err) => {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  });

/** The seed: auth asks user whether the credentials are right. A wrong pair is a 401 INVALID_CREDENTIALS. */
export const verifyCredentials = (dapr: Dapr, email: string, password: string) =>
  dapr.invoke<{ userId: string; role: Role; status: Account['status']; email: string }>(
    'user',
    '/internal/credentials/verify',
    { body: { email, password } },
  );

export const accountById = (dapr: Dapr, userId: string) =>
  notFoundToUndefined(dapr.invoke<Account>('user', `/internal/users/${encodeURIComponent(userId)}`));

export const accountByEmail = (dapr: Dapr, email: string) =>
  notFoundToUndefined(
    dapr.invoke<Account & { hasPassword: boolean }>('user', '/internal/users/lookup', { body: { email } }),
  );

/**
 * The account a provider vouches for (created on first sign-in); 409 ACCOUNT_EXISTS for an
 * unverified email. `takenOver`: a never-verified password account whose password user removed.
 */
export const accountForIdentity = (
  dapr: Dapr,
  who: { email: string; emailVerified: boolean; name: string },
) =>
  dapr.invoke<Account & { created: boolean; takenOver?: boolean }>('user', '/internal/users/external', {
    body: who,
  });

export const setPassword = (dapr: Dapr, userId: string, password: string) =>
  dapr.invoke('user', `/internal/users/${encodeURIComponent(userId)}/password`, {
    method: 'PUT',
    body: { password },
  });

export const markEmailVerified = (dapr: Dapr, userId: string) =>
  dapr.invoke('user', `/internal/users/${encodeURIComponent(userId)}/email-verified`, { method: 'POST' });
