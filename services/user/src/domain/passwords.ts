import { hash, verify } from '@node-rs/argon2';

/** argon2id with RFC 9106's second recommended option (64 MiB, 3 passes); the parameters travel inside the hash. */
// algorithm 2 is Argon2id (a const enum in the package's types, so named here by value).
const options = { algorithm: 2 as const, memoryCost: 65_536, timeCost: 3, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, options);

// Verified against when the email is unknown, so that answer takes as long as a wrong password.
const decoy = hash('decoy-password-for-unknown-accounts', options);

export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
