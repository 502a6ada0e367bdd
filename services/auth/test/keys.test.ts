import { randomBytes } from 'node:crypto';
import type { Kysely } from '@mp/platform';
import { serviceForFile, startTestService } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.ts';
import { KeyRing } from '../src/domain/keys.ts';
import { service } from '../src/service.ts';

const svc = serviceForFile(
  () =>
    startTestService(service, {
      env: { AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    }),
  'the auth service',
);

const HOUR = 3_600_000;

describe('signing keys', () => {
  it('keeps one signing key until rotation is due, then publishes old and new', async () => {
    const db = svc.deps.db as never as Kysely<Database>;
    const kek = randomBytes(32);
    const ring = new KeyRing(db, kek, HOUR, HOUR);
    const first = await ring.current();
    expect((await new KeyRing(db, kek, HOUR, HOUR).current()).kid).toBe(first.kid);

    const rotating = new KeyRing(db, kek, 0, HOUR);
    const second = await rotating.current();
    expect(second.kid).not.toBe(first.kid);
    const kids = (await rotating.jwks()).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([first.kid, second.kid]));
  });

  it('rotates to a new key when the key-encryption key changed, keeping the old public key published', async () => {
    const db = svc.deps.db as never as Kysely<Database>;
    const before = await new KeyRing(db, randomBytes(32), 365 * 24 * HOUR, HOUR).current();
    const after = await new KeyRing(db, randomBytes(32), 365 * 24 * HOUR, HOUR).current();
    expect(after.kid).not.toBe(before.kid);
    const kids = (await new KeyRing(db, randomBytes(32), 365 * 24 * HOUR, HOUR).jwks()).keys.map(
      (k) => k.kid,
    );
    expect(kids).toContain(before.kid);
  });
});
