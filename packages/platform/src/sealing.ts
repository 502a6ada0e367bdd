import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals a secret at rest with a 32-byte key (AES-256-GCM): `iv.tag.body`, base64url. */
export function sealSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/**
 * Opens what `sealSecret` sealed. The tag must be the full 16 bytes (`authTagLength`): GCM would
 * otherwise accept a tag cut to 4 bytes, which a forger can guess. Anything malformed throws.
 */
export function unsealSecret(key: Buffer, sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 3) throw new Error('sealed value is malformed');
  const [iv, tag, body] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('sealed value is malformed');
  const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  d.setAuthTag(tag);
  return Buffer.concat([d.update(body), d.final()]).toString('utf8');
}
