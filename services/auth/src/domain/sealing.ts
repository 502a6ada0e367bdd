import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sealSecret, unsealSecret } from '@mp/platform';

/** Secrets at rest (signing keys, TOTP secrets, PKCE verifiers) are sealed with the key-encryption key. */
export const seal = sealSecret;
export const unseal = unsealSecret;

/** SHA-256 of a high-entropy token (refresh, reset, login ticket): enough, since it cannot be guessed. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * A keyed hash for short secrets (recovery codes) and lookup keys (emails in throttle keys): a
 * copy of the database alone does not let anyone test guesses.
 */
export const keyedHash = (kek: Buffer, purpose: string, value: string) =>
  createHmac('sha256', kek).update(`${purpose}\0${value}`).digest('hex');

/** A random token of `bytes` bytes, base64url. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
