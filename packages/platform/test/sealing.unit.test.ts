import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealSecret, unsealSecret } from '../src/sealing.ts';

describe('sealed secrets (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and nothing sealed with another key', () => {
    const sealed = sealSecret(key, '비밀 billing-key');
    expect(unsealSecret(key, sealed)).toBe('비밀 billing-key');
    expect(() => unsealSecret(randomBytes(32), sealed)).toThrow();
  });

  it('refuses a tag cut short (GCM would check only the bytes given)', () => {
    const [iv, tag, body] = sealSecret(key, 'secret').split('.');
    const tagBytes = Buffer.from(tag!, 'base64url');
    for (const n of [4, 8, 12, 15]) {
      const cut = [iv, tagBytes.subarray(0, n).toString('base64url'), body].join('.');
      expect(() => unsealSecret(key, cut)).toThrow();
    }
  });
});
