import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/** Seals a secret at rest with the key-encryption key (AES-256-GCM): `iv.tag.body`, base64url. */
export const seal = (kek: Buffer, plain: string) => {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
};

export const unseal = (kek: Buffer, sealed: string) => {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const d = createDecipheriv('aes-256-gcm', kek, iv!);
  d.setAuthTag(tag!);
  return Buffer.concat([d.update(body!), d.final()]).toString('utf8');
};

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
